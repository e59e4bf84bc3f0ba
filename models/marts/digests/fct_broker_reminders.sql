{{ config(**daily_incremental_config(frontier={'filter': "reminder_kind <> 'new_client'"})) }}
{#- rebuilt from `start`: the day after the last built day that is not a new-client reminder (those
    may be dated on the next business day, before it is landed) -#}
{%- set start = build_from() %}
{%- set previous_day = last_day_before(ref('fct_client_daily'), start) %}
-- Daily reminders 每日提醒, one row per recipient broker x client x reminder kind x business date:
-- what happened to one of the broker's clients that day and the facts to act on it (masked name,
-- client id, amount, security, dates) with value_at_stake to order the broker's "今日工作".
-- Definitions: docs/contract/metrics.md "Daily reminders"; thresholds are the `thresholds` seed.
--
-- A client's reminders go to the brokers of its servicing relations (relation_type 2) open that day
-- (a new-client reminder only to the broker of the new relation); a client without one goes to the
-- `unassigned 无归属` broker of its branch, whose reminders the branch head receives. A broker who has
-- left (leave_date on or before the day) is replaced by the branch head as recipient.
-- Several events of one kind on one client-day (two large transfers, three limit-down holdings) make
-- one row: event_count says how many, security_* names the largest, amount sums them.
-- The client states (churn warning, reactivated, trapped degree) are the shared definitions of
-- fct_client_daily (int_client_daily_status); the client records as of a day are dim_client_history.
{%- set suitability_boards = "('STAR', 'CHINEXT', 'BSE')" %}
{%- set suitability_risk_levels = "('C1', 'C2')" %}
with

calendar as (

    select * from {{ ref('int_trading_calendar') }}

),

client_days as (

    select * from {{ ref('fct_client_daily') }}
    where {{ since('business_date', start) }}

),

-- every client's last client-day built before `start` (none on a full build): the previous day's
-- states of the first rebuilt day. Read from the last day built before, else (a client not on it) from
-- the client's own last earlier day, so a day's build reads one day of history, not all of it.
{%- if previous_day is not none %}
previous_gaps as (

    {{ clients_missing_on('client_days', ref('fct_client_daily'), previous_day, start) }}

),
{%- endif %}

prior_client_days as (

    select
        client_id,
        max(case when is_trapped_client then 1 else 0 end) = 1 as is_trapped_client,
        max(case when is_churn_warning then 1 else 0 end) = 1 as is_churn_warning
    from (
        {%- if previous_day is not none %}
        {{ last_rows_before(
            ref('fct_client_daily'), ['client_id', 'business_date', 'is_trapped_client', 'is_churn_warning'],
            previous_day, 'select client_id from previous_gaps') }}
        {%- else %}
        select client_id, is_trapped_client, is_churn_warning from client_days where 1 = 0
        {%- endif %}
    ) as last_rows
    group by client_id

),

-- the shared states of each client-day with those of the client's previous row
state_days as (

    select
        d.*,
        coalesce(
            lag(d.is_trapped_client) over (partition by d.client_id order by d.business_date),
            p.is_trapped_client
        ) as was_trapped_client,
        coalesce(
            lag(d.is_churn_warning) over (partition by d.client_id order by d.business_date),
            p.is_churn_warning,
            false
        ) as was_churn_warning
    from client_days as d
    left join prior_client_days as p on p.client_id = d.client_id

),

-- client records as of each day (valid_from .. valid_to inclusive), masked
versions as (

    select * from {{ ref('dim_client_history') }}

),

-- birth dates (not a tracked attribute of dim_client_history), masked dimension
client_birth_dates as (

    select client_id, birth_date from {{ ref('dim_client') }}
    where birth_date is not null

),

securities as (

    select security_key, security_code, security_name, board_code from {{ ref('dim_security') }}

),

kinds as (

    {%- set kinds = [
        ('large_transfer', '大额资金异动', 1),
        ('churn_warning', '流失预警', 2),
        ('account_closed', '销户', 3),
        ('custody_transfer_out', '转托管转出', 4),
        ('newly_trapped', '新增套牢', 5),
        ('limit_down', '持仓跌停', 6),
        ('suitability', '适当性提示', 7),
        ('reactivated', '沉睡唤醒', 8),
        ('new_client', '新分配客户', 9),
        ('birthday', '生日关怀', 10),
    ] %}
    {%- for code, name, priority in kinds %}
    select '{{ code }}' as reminder_kind, '{{ name }}' as reminder_name_zh, {{ priority }} as kind_priority
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

-- 大额资金异动: bank transfers in or out >= large_transfer_amount
large_transfer_rows as (

    select
        business_date,
        branch_code,
        client_id,
        amount,
        {{ client_day_ranking('abs(amount) desc, flow_id', {'total_amount': 'amount', 'gross_amount': 'abs(amount)'}) }}
    from {{ ref('fct_cash_flows') }}
    where is_large_transfer and {{ since('business_date', start) }}

),

large_transfers as (

    select
        business_date,
        branch_code,
        client_id,
        'large_transfer' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(total_amount as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        cast(null as date) as reference_date,
        cast(amount as decimal(24, 12)) as metric_value,
        event_count,
        cast(gross_amount as decimal(38, 2)) as value_at_stake
    from large_transfer_rows
    where size_rank = 1

),

-- 流失预警: the day a churn warning starts (set today, not on the client's previous row)
churn_warnings as (

    select
        business_date,
        branch_code,
        client_id,
        'churn_warning' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(-warning_net_asset_outflow as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        cast(null as date) as reference_date,
        {{ ratio('warning_net_asset_outflow', 'warning_start_total_assets') }} as metric_value,
        1 as event_count,
        cast(warning_net_asset_outflow as decimal(38, 2)) as value_at_stake
    from state_days
    where is_churn_warning and not was_churn_warning

),

-- 销户: the business date the closing first appears in the client records
closing_records as (

    select
        client_id,
        branch_code,
        valid_from as business_date,
        close_date,
        lag(close_date) over (partition by client_id order by valid_from) as previous_close_date,
        row_number() over (partition by client_id order by valid_from) as record_number
    from versions

),

closings as (

    select
        r.business_date,
        r.branch_code,
        r.client_id,
        'account_closed' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(coalesce(d.previous_total_assets, d.total_assets, 0) as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        r.close_date as reference_date,
        cast(null as decimal(24, 12)) as metric_value,
        1 as event_count,
        cast(coalesce(d.previous_total_assets, d.total_assets, 0) as decimal(38, 2)) as value_at_stake
    from closing_records as r
    left join client_days as d
        on d.client_id = r.client_id and d.business_date = r.business_date
    where r.close_date is not null
        and r.previous_close_date is null
        -- a client first landed already closed long ago is history, not news
        and (r.record_number > 1 or r.close_date >= {{ dbt.dateadd('day', -7, 'r.business_date') }})

),

-- 转托管转出
custody_rows as (

    select
        business_date,
        branch_code,
        client_id,
        security_key,
        {{ client_day_ranking('value_at_close desc, transfer_id', {'total_value': 'value_at_close'}) }}
    from {{ ref('fct_custody_transfers') }}
    where direction = 'O' and {{ since('business_date', start) }}

),

custody_out as (

    select
        business_date,
        branch_code,
        client_id,
        'custody_transfer_out' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(-total_value as decimal(38, 2)) as amount,
        security_key,
        cast(null as date) as reference_date,
        cast(null as decimal(24, 12)) as metric_value,
        event_count,
        cast(total_value as decimal(38, 2)) as value_at_stake
    from custody_rows
    where size_rank = 1

),

-- 新增套牢: trapped degree crossed trapped_client_degree that day
newly_trapped_days as (

    select business_date, branch_code, client_id, trapped_market_value, trapped_degree
    from state_days
    where is_trapped_client and was_trapped_client = false

),

-- the trapped holdings of those client-days, the largest first (looked up for them only: a window over
-- every position of the days built costs more than the rest of the model)
trapped_rows as (

    select
        p.business_date,
        p.branch_code,
        p.client_id,
        p.security_key,
        {{ client_day_ranking('p.market_value desc, p.security_key', alias='p') }}
    from {{ ref('fct_positions_daily') }} as p
    inner join newly_trapped_days as t
        on t.business_date = p.business_date
        and t.branch_code = p.branch_code
        and t.client_id = p.client_id
    where p.is_trapped and {{ since('p.business_date', start) }}

),

newly_trapped as (

    select
        t.business_date,
        t.branch_code,
        t.client_id,
        'newly_trapped' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(t.trapped_market_value as decimal(38, 2)) as amount,
        p.security_key,
        cast(null as date) as reference_date,
        cast(t.trapped_degree as decimal(24, 12)) as metric_value,
        1 as event_count,
        cast(t.trapped_market_value as decimal(38, 2)) as value_at_stake
    from newly_trapped_days as t
    left join trapped_rows as p
        on p.business_date = t.business_date
        and p.branch_code = t.branch_code
        and p.client_id = t.client_id
        and p.size_rank = 1

),

-- 持仓跌停: holdings that closed limit-down that day, the largest first
limit_down_rows as (

    select
        business_date,
        branch_code,
        client_id,
        security_key,
        unrealized_return,
        {{ client_day_ranking('market_value desc, security_key', {'total_value': 'market_value'}) }}
    from {{ ref('fct_positions_daily') }}
    where is_limit_down and {{ since('business_date', start) }}

),

limit_down as (

    select
        business_date,
        branch_code,
        client_id,
        'limit_down' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(total_value as decimal(38, 2)) as amount,
        security_key,
        cast(null as date) as reference_date,
        cast(unrealized_return as decimal(24, 12)) as metric_value,
        cast(event_count as integer) as event_count,
        cast(total_value as decimal(38, 2)) as value_at_stake
    from limit_down_rows
    where size_rank = 1

),

-- 沉睡唤醒: first fill after >= inactive_days calendar days without one (the shared is_reactivated;
-- days_without_fill counts from the last landed fill, else from the open date / first landed day)
reactivated as (

    select
        business_date,
        branch_code,
        client_id,
        'reactivated' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(turnover as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        previous_fill_date as reference_date,
        cast(days_without_fill as decimal(24, 12)) as metric_value,
        1 as event_count,
        cast(turnover as decimal(38, 2)) as value_at_stake
    from client_days
    where is_reactivated

),

-- 新分配客户: a servicing relation starting since the previous business day, known in time
relation_first_seen as (

    select client_id, broker_id, relation_type, start_date, min(business_date) as first_seen_date
    from {{ ref('stg_lake__client_brokers') }}
    group by client_id, broker_id, relation_type, start_date

),

new_relations as (

    select
        case when c.is_trading_day then c.calendar_date else c.next_trading_day end as business_date,
        r.client_id,
        r.broker_id,
        r.share_pct,
        s.first_seen_date
    from {{ ref('int_client_broker_relations') }} as r
    inner join relation_first_seen as s
        on s.client_id = r.client_id
        and s.broker_id = r.broker_id
        and s.relation_type = r.relation_type
        and s.start_date = r.start_date
    inner join calendar as c on c.calendar_date = r.start_date
    where r.relation_type = '2'

),

new_clients as (

    select
        n.business_date,
        coalesce(d.branch_code, v.branch_code) as branch_code,
        n.client_id,
        'new_client' as reminder_kind,
        n.broker_id as target_broker_id,
        cast(coalesce(d.total_assets, 0) as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        v.open_date as reference_date,
        cast(n.share_pct as decimal(24, 12)) as metric_value,
        1 as event_count,
        cast(coalesce(d.total_assets, 0) as decimal(38, 2)) as value_at_stake
    from new_relations as n
    left join client_days as d on d.client_id = n.client_id and d.business_date = n.business_date
    left join versions as v
        on v.client_id = n.client_id and v.valid_from <= n.business_date and n.business_date <= v.valid_to
    where n.first_seen_date <= n.business_date
        and coalesce(d.branch_code, v.branch_code) is not null

),

-- 生日关怀: birthday today or within birthday_window_days (stretched to the next business day, so a
-- birthday in a holiday is remembered on the business day before it). The next birthday on or after
-- the day is the birth date moved to the day's year, else to the next year; moved to a year without
-- 29 February it falls on the 28th and is no birthday (a 29 February birthday is kept in leap years).
{#- in parentheses: Spark's dateadd multiplies the years by 12 as written -#}
{%- set years_to = "(extract(year from d.business_date) - extract(year from bd.birth_date))" %}
birthday_candidates as (

    select
        d.business_date,
        d.branch_code,
        d.client_id,
        d.total_assets,
        bd.birth_date,
        c.next_trading_day,
        cast({{ dbt.dateadd('year', years_to, 'bd.birth_date') }} as date) as birthday_this_year,
        cast({{ dbt.dateadd('year', '(' ~ years_to ~ ' + 1)', 'bd.birth_date') }} as date) as birthday_next_year
    from client_days as d
    inner join versions as v
        on v.client_id = d.client_id and v.valid_from <= d.business_date and d.business_date <= v.valid_to
    inner join client_birth_dates as bd on bd.client_id = d.client_id
    inner join calendar as c on c.calendar_date = d.business_date
    where v.close_date is null or v.close_date > d.business_date

),

next_birthdays as (

    select
        business_date,
        branch_code,
        client_id,
        total_assets,
        birth_date,
        next_trading_day,
        case when birthday_this_year >= business_date then birthday_this_year else birthday_next_year end
            as birthday_date
    from birthday_candidates

),

birthdays_matched as (

    select
        *,
        {{ dbt.datediff('business_date', 'birthday_date', 'day') }} as days_ahead,
        -- a client in two branches that day is wished once
        row_number() over (partition by business_date, client_id order by branch_code) as branch_rank
    from next_birthdays
    where extract(month from birthday_date) = extract(month from birth_date)
        and extract(day from birthday_date) = extract(day from birth_date)
        and (
            {{ dbt.datediff('business_date', 'birthday_date', 'day') }} <= {{ threshold('birthday_window_days') }}
            or birthday_date < next_trading_day
        )

),

birthdays as (

    select
        business_date,
        branch_code,
        client_id,
        'birthday' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(total_assets as decimal(38, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as security_key,
        birthday_date as reference_date,
        cast(days_ahead as decimal(24, 12)) as metric_value,
        1 as event_count,
        cast(total_assets as decimal(38, 2)) as value_at_stake
    from birthdays_matched
    where branch_rank = 1

),

-- 适当性: a C1 / C2 client bought on STAR, ChiNext or BSE
risky_buys as (

    select
        f.business_date,
        f.branch_code,
        f.client_id,
        f.security_key,
        f.amount,
        {{ client_day_ranking('f.amount desc, f.fill_id', {'total_amount': 'f.amount'}, alias='f') }}
    from {{ ref('fct_fills') }} as f
    inner join securities as s on s.security_key = f.security_key
    inner join versions as v
        on v.client_id = f.client_id and v.valid_from <= f.business_date and f.business_date <= v.valid_to
    where f.side = 'B' and {{ since('f.business_date', start) }}
        and s.board_code in {{ suitability_boards }}
        and v.risk_level in {{ suitability_risk_levels }}

),

suitability as (

    select
        business_date,
        branch_code,
        client_id,
        'suitability' as reminder_kind,
        cast(null as {{ dbt.type_string() }}) as target_broker_id,
        cast(total_amount as decimal(38, 2)) as amount,
        security_key,
        cast(null as date) as reference_date,
        cast(null as decimal(24, 12)) as metric_value,
        cast(event_count as integer) as event_count,
        cast(total_amount as decimal(38, 2)) as value_at_stake
    from risky_buys
    where size_rank = 1

),

events as (

    select * from large_transfers
    union all select * from churn_warnings
    union all select * from closings
    union all select * from custody_out
    union all select * from newly_trapped
    union all select * from limit_down
    union all select * from reactivated
    union all select * from new_clients
    union all select * from birthdays
    union all select * from suitability

),

-- routing to brokers
relations as (

    select client_id, broker_id, share_pct, start_date, open_until
    from {{ ref('int_client_broker_relations') }}
    where relation_type = '2'

),

brokers as (

    select * from {{ ref('int_broker_hierarchy') }}

),

routed as (

    select
        e.*,
        r.broker_id,
        r.share_pct
    from events as e
    left join relations as r
        on r.client_id = e.client_id
        and e.business_date between r.start_date and r.open_until
        and (e.target_broker_id is null or r.broker_id = e.target_broker_id)

),

branch_heads as (

    select branch_code, min(broker_id) as branch_head_id
    from brokers
    where manager_id is null and leave_date is null
    group by branch_code

),

final as (

    select
        {{ dbt.concat([
            "cast(r.business_date as " ~ dbt.type_string() ~ ")", "'/'", "r.branch_code", "'/'", "r.client_id",
            "'/'", "r.reminder_kind", "'/'", "coalesce(r.broker_id, " ~ unassigned_broker_key('r.branch_code') ~ ")"
        ]) }} as reminder_key,
        r.business_date,
        {{ date_key('r.business_date') }} as date_key,
        r.branch_code,
        coalesce(r.broker_id, {{ unassigned_broker_key('r.branch_code') }}) as broker_key,
        r.broker_id,
        r.broker_id is null as is_unassigned,
        case
            when r.broker_id is not null and (b.leave_date is null or b.leave_date > r.business_date)
                then r.broker_id
            else h.branch_head_id
        end as recipient_broker_id,
        cast(coalesce(r.share_pct, 100) as decimal(9, 4)) as share_pct,
        r.client_id,
        coalesce(c.client_key, '-1') as client_key,
        coalesce(v.client_name_masked, c.client_name_masked) as client_name_masked,
        coalesce(v.risk_level, c.risk_level) as risk_level,
        r.reminder_kind,
        k.reminder_name_zh,
        k.kind_priority,
        r.security_key,
        s.security_code,
        s.security_name,
        s.board_code,
        r.amount,
        r.reference_date,
        r.metric_value,
        cast(r.event_count as integer) as event_count,
        r.value_at_stake
    from routed as r
    inner join kinds as k on k.reminder_kind = r.reminder_kind
    left join brokers as b on b.broker_id = r.broker_id
    left join branch_heads as h on h.branch_code = r.branch_code
    left join versions as v
        on v.client_id = r.client_id and v.valid_from <= r.business_date and r.business_date <= v.valid_to
    left join {{ ref('dim_client') }} as c on c.client_key = r.client_id
    left join securities as s on s.security_key = r.security_key
    -- a new-client reminder whose relation is not open that day has nobody to go to
    where not (r.target_broker_id is not null and r.broker_id is null)
        and {{ since('r.business_date', start) }}

)

select * from final
