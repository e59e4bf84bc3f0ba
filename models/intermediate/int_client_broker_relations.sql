-- Client-broker relations 服务关系, one row per relation (client, broker, type, start date): the
-- latest row of the key wins, so a later row closes the relation by setting end_date (inclusive).
with

relations as (

    select
        *,
        row_number() over (
            partition by client_id, broker_id, relation_type, start_date
            order by business_date desc, source_row desc
        ) as recency
    from {{ ref('stg_lake__client_brokers') }}

),

final as (

    select
        client_id,
        broker_id,
        relation_type,
        share_pct,
        start_date,
        end_date,
        coalesce(end_date, cast('{{ var("end_of_time") }}' as date)) as open_until,
        business_date as record_date
    from relations
    where recency = 1

)

select * from final
