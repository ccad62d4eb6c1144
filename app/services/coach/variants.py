"""Traditional characters as their simplified forms, one character for one (so offsets into
the folded text stay offsets into the original): staff write 保證/療程/變白 as often as
保证/疗程/变白, and every rule of the term list is written in simplified characters.
The table covers the characters of sales talk in a clinic, not the whole script."""

from __future__ import annotations

TRADITIONAL = (
    "證療讓變見後腫這個週樣裡們說對無險費齡絕動過會沒滿進術選買賣價錢給顧戶醫師號發圖點體現實"
    "應輕歲樂邊馬準麗顏臉膚緊緻專業權經驗論讚贊贈獎禮為從來將與時間問題還壞驚豔瘦嬌嫩彈鬆皺紋斑"
    "國際最級優惠幣單訂貨櫃機構診間設備儀器針劑療效恢復屬違規禁則於們啲喺嘅冇咗睇嗰靚"
    "萬億紅包預約諮詢顧問員師術銷網級認識淨膠囊護膚氣擔憂懷疑複雜傷疤痕變態顯著終於線雕剝殼蛋雞"
    "藥無痛風險併發症後遺狀況決定機會錯過搶購獨家廣告節電視臺歡迎親愛寶貝們換頭當場斤兩嗎呢啊吧啦"
    "續約覺夠麼麼"
)
SIMPLIFIED = (
    "证疗让变见后肿这个周样里们说对无险费龄绝动过会没满进术选买卖价钱给顾户医师号发图点体现实"
    "应轻岁乐边马准丽颜脸肤紧致专业权经验论赞赞赠奖礼为从来将与时间问题还坏惊艳瘦娇嫩弹松皱纹斑"
    "国际最级优惠币单订货柜机构诊间设备仪器针剂疗效恢复属违规禁则于们的在的没了看那靓"
    "万亿红包预约咨询顾问员师术销网级认识净胶囊护肤气担忧怀疑复杂伤疤痕变态显著终于线雕剥壳蛋鸡"
    "药无痛风险并发症后遗状况决定机会错过抢购独家广告节电视台欢迎亲爱宝贝们换头当场斤两吗呢啊吧啦"
    "续约觉够么么"
)
EXTRA = {"妳": "你", "祢": "你", "裏": "里", "着": "着", "噹": "当", "衹": "只", "祇": "只",
         "隻": "只", "髮": "发", "準": "准", "迴": "回", "併": "并", "鬆": "松", "雙": "双",
         "眥": "眦", "齊": "齐", "適": "适", "合": "合", "確": "确", "幫": "帮", "嚴": "严",
         "擁": "拥", "權": "权", "類": "类", "務": "务", "貴": "贵", "減": "减", "號": "号"}
assert len(TRADITIONAL) == len(SIMPLIFIED)
TABLE = str.maketrans({**dict(zip(TRADITIONAL, SIMPLIFIED, strict=True)), **EXTRA})


def simplified(text: str) -> str:
    """`text` with the traditional characters of the table as simplified ones."""
    return text.translate(TABLE)
