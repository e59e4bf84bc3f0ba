-- Securities 证券 (current record: the latest business date's row wins) with board, type and
-- industry names, plus the unknown member. Securities that were only seen in quotes, positions or
-- fills but never in the code table are added with their codes so every fact key resolves.
with

securities as (

    select
        *,
        row_number() over (
            partition by market, security_code order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__securities') }}

),

seen_codes as (

    {#- Landing flags every order, fill, custody transfer and position whose security is neither in head
        office's securities up to that day nor an IPO subscribed to (rule unknown_security), so the
        codes outside the code table are among the flagged rows and the IPO subscriptions: reading
        those (not every position of every day) keeps this dimension's cost flat as history grows. -#}
    select distinct market, security_code from {{ ref('stg_lake__quotes') }}
    union
    select distinct market, security_code from {{ ref('stg_lake__orders') }}
    where biz_type = '1' or dq_rules is not null
    {%- for flagged in ['stg_lake__positions', 'stg_lake__trades', 'stg_lake__custody_transfers'] %}
    union
    select distinct market, security_code from {{ ref(flagged) }} where dq_rules is not null
    {%- endfor %}

),

all_codes as (

    select market, security_code from securities where recency = 1
    union
    select market, security_code from seen_codes

),

boards as (

    select * from {{ ref('boards') }}

),

security_types as (

    select * from {{ ref('security_types') }}

),

markets as (

    select * from {{ ref('markets') }}

),

final as (

    select
        {{ security_key('a.market', 'a.security_code') }} as security_key,
        a.market,
        m.market_name_zh,
        a.security_code,
        s.security_name,
        s.security_type,
        st.security_type_name_zh,
        st.security_type_name_en,
        s.board as board_code,
        b.board_name_zh,
        b.board_name_en,
        b.price_limit_pct,
        s.industry,
        s.list_date,
        s.delist_date,
        s.total_shares,
        s.float_shares,
        s.business_date as record_date,
        s.security_code is null as is_missing_from_code_table,
        false as is_unknown
    from all_codes as a
    left join securities as s
        on s.market = a.market and s.security_code = a.security_code and s.recency = 1
    left join boards as b on b.board_code = s.board
    left join security_types as st on st.security_type = s.security_type
    left join markets as m on m.market = a.market

),

unknown_member as (

    select
        '-1' as security_key,
        cast(null as {{ dbt.type_string() }}) as market,
        cast(null as {{ dbt.type_string() }}) as market_name_zh,
        '-1' as security_code,
        'unknown 未知' as security_name,
        cast(null as {{ dbt.type_string() }}) as security_type,
        cast(null as {{ dbt.type_string() }}) as security_type_name_zh,
        cast(null as {{ dbt.type_string() }}) as security_type_name_en,
        cast(null as {{ dbt.type_string() }}) as board_code,
        cast(null as {{ dbt.type_string() }}) as board_name_zh,
        cast(null as {{ dbt.type_string() }}) as board_name_en,
        cast(null as decimal(9, 4)) as price_limit_pct,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as date) as list_date,
        cast(null as date) as delist_date,
        cast(null as bigint) as total_shares,
        cast(null as bigint) as float_shares,
        cast(null as date) as record_date,
        false as is_missing_from_code_table,
        true as is_unknown

)

select * from final
union all
select * from unknown_member
