-- Order channels 委托方式, plus the unknown member.
with

channels as (

    select * from {{ ref('channels') }}

),

final as (

    select
        channel_code as channel_key,
        channel_code,
        channel_name_zh,
        channel_name_en,
        false as is_unknown
    from channels

),

unknown_member as (

    select
        '-1' as channel_key,
        '-1' as channel_code,
        '未知' as channel_name_zh,
        'unknown' as channel_name_en,
        true as is_unknown

)

select * from final
union all
select * from unknown_member
