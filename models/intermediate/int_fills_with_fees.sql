{{ config(**daily_incremental_config()) }}
{%- set start = build_from() %}
-- Fills 成交 with the exchange fees deducted for net commission 净佣金 (docs/contract/metrics.md):
-- per normal fill (biz_type 0), handling fee 经手费 and regulator fee 证管费 are each
-- round_half_away(amount x rate, 2) with the rates of the trade date from the `fee_rates` seed;
-- net commission = commission - handling fee - regulator fee. IPO allotments (biz_type 1) pay no
-- commission and carry no exchange fees.
with

fills as (

    select * from {{ ref('stg_lake__trades') }}
    where {{ since('business_date', start) }}

),

fee_rates as (

    select * from {{ ref('fee_rates') }}

),

fees as (

    select
        f.*,
        case
            when f.biz_type = '0' then {{ round_half_away('f.amount * handling.rate', 2) }}
            else cast(0 as decimal(38, 2))
        end as handling_fee,
        case
            when f.biz_type = '0' then {{ round_half_away('f.amount * regulator.rate', 2) }}
            else cast(0 as decimal(38, 2))
        end as regulator_fee
    from fills as f
    left join fee_rates as handling
        on handling.fee_code = 'handling'
        and f.business_date between handling.effective_from and handling.effective_to
    left join fee_rates as regulator
        on regulator.fee_code = 'regulator'
        and f.business_date between regulator.effective_from and regulator.effective_to

),

final as (

    select
        business_date,
        branch_code,
        trade_id,
        order_id,
        client_id,
        market,
        security_code,
        side,
        biz_type,
        biz_type = '0' as is_normal,
        price,
        qty,
        amount,
        cast(case when side = 'B' then amount else 0 end as decimal(18, 2)) as buy_amount,
        cast(case when side = 'S' then amount else 0 end as decimal(18, 2)) as sell_amount,
        commission,
        stamp_duty,
        transfer_fee,
        cast(commission + stamp_duty + transfer_fee as decimal(18, 2)) as trading_costs,
        cast(handling_fee as decimal(18, 2)) as handling_fee,
        cast(regulator_fee as decimal(18, 2)) as regulator_fee,
        cast(
            case when biz_type = '0' then commission - handling_fee - regulator_fee else 0 end
            as decimal(18, 2)
        ) as net_commission,
        trade_time,
        channel,
        source_row,
        dq_rules
    from fees

)

select * from final
