"""The fixed tables behind the demo company 华通物流: people, teams, the price list and the
word lists that customer names, notes and records are built from.

Kept apart from :mod:`baton.demo_company` so the loader reads as a story (plan, then write)
and the Chinese vocabulary can be extended without touching any logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

COMPANY = "华通物流"
SEED = 20061108  # the day 华通物流 was founded; any fixed value keeps the demo reproducible
DEMO_PASSWORD = "demo1234"
EMAIL_DOMAIN = "huatong.example"
SALES_DEPARTMENT = "销售部"
HEAD_THRESHOLD = "100000"
# Commission: 2% of a month's collections up to 100,000, 3% up to 300,000, 4% above.
COMMISSION_TIERS = [
    {"from": "0", "rate": "0.02"},
    {"from": "100000", "rate": "0.03"},
    {"from": "300000", "rate": "0.04"},
]

# Whose customers the revenue story is about, and the share of the last twelve months' revenue
# they bring: just over the 15% at which the revenue-concentration alert is raised.
STAR_SELLER = "zhang.wei"
STAR_SHARE = 0.155


@dataclass(frozen=True)
class Person:
    """An employee; ``years`` is time with the company, ``team`` a key of :data:`TEAMS`."""

    username: str
    name: str
    role: str
    years: float
    team: str | None = None


@dataclass(frozen=True)
class TeamSpec:
    """A sales team; ``customers`` is how many customers its members own between them."""

    key: str
    name: str
    region: str
    industry: str
    years: int
    customers: int


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("south", "华南区工业客户团队", "华南", "工业", 14, 80),
    TeamSpec("east", "华东区零售客户团队", "华东", "零售", 12, 75),
    TeamSpec("north", "华北区电商客户团队", "华北", "电商", 8, 62),
    TeamSpec("southwest", "西南区冷链客户团队", "西南", "冷链", 7, 68),
)

UNASSIGNED_CUSTOMERS = 15

# Order matters: the head first, then managers, then their members (managers are looked up).
STAFF: tuple[Person, ...] = (
    Person("liu.yang", "刘洋", "department_head", 15.3),
    Person("admin", "系统管理员", "admin", 12.0),
    Person("sun.li", "孙丽", "hr", 9.2),
    Person("he.jing", "何静", "hr", 3.1),
    Person("zhou.min", "周敏", "finance", 11.4),
    Person("xu.qiang", "徐强", "finance", 4.6),
)

MANAGERS: tuple[Person, ...] = (
    Person("chen.jie", "陈杰", "sales_manager", 13.5, "south"),
    Person("zhao.lei", "赵磊", "sales_manager", 11.2, "east"),
    Person("gao.feng", "高峰", "sales_manager", 8.7, "north"),
    Person("luo.ming", "罗明", "sales_manager", 7.9, "southwest"),
)

SELLERS: tuple[Person, ...] = (
    Person("zhang.wei", "张伟", "sales", 10.1, "south"),
    Person("li.na", "李娜", "sales", 6.4, "south"),
    Person("huang.tao", "黄涛", "sales", 4.2, "south"),
    Person("lin.xiaoyan", "林晓燕", "sales", 2.3, "south"),
    Person("liang.hao", "梁浩", "sales", 1.2, "south"),
    Person("wang.fang", "王芳", "sales", 7.1, "east"),
    Person("xu.jing", "许静", "sales", 5.3, "east"),
    Person("zhu.hong", "朱红", "sales", 3.4, "east"),
    Person("ma.chao", "马超", "sales", 2.2, "east"),
    Person("shen.yue", "沈悦", "sales", 1.5, "east"),
    Person("pan.wen", "潘文", "sales", 0.9, "east"),
    Person("guo.ting", "郭婷", "sales", 5.2, "north"),
    Person("song.yu", "宋宇", "sales", 4.1, "north"),
    Person("han.xue", "韩雪", "sales", 3.3, "north"),
    Person("tian.lei", "田磊", "sales", 2.1, "north"),
    Person("yang.fan", "杨帆", "sales", 1.4, "north"),
    Person("tang.li", "唐莉", "sales", 6.2, "southwest"),
    Person("deng.jun", "邓军", "sales", 4.4, "southwest"),
    Person("feng.qian", "冯倩", "sales", 3.2, "southwest"),
    Person("cao.yang", "曹阳", "sales", 1.1, "southwest"),
    Person("wu.di", "吴迪", "sales", 5.0, "southwest"),
    Person("jiang.hui", "蒋慧", "sales", 2.6, "southwest"),
)

# 张伟's book: many large long-standing accounts; the first DROPPING of the large ones are the
# customers quietly moving to a competitor over the last few months.
STAR_SIZES: tuple[str, ...] = ("large",) * 8 + ("medium",) * 8 + ("small",) * 6
DROPPING = 3
SILENT_CUSTOMERS = 8
REPEAT_COMPLAINERS = 4


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    unit: str
    list_price: Decimal
    floor_price: Decimal
    capacity_per_day: int


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("FTL", "整车运输", "车次", Decimal("4800.00"), Decimal("4100.00"), 400),
    ServiceSpec("LTL", "零担运输", "吨", Decimal("380.00"), Decimal("320.00"), 4000),
    ServiceSpec("COLD", "冷链运输", "车次", Decimal("6800.00"), Decimal("5900.00"), 120),
    ServiceSpec("WH", "仓储服务", "托盘·天", Decimal("4.50"), Decimal("3.80"), 300000),
    ServiceSpec("EXP", "城际快运", "票", Decimal("45.00"), Decimal("38.00"), 30000),
    ServiceSpec("DIST", "城市配送", "车次", Decimal("900.00"), Decimal("760.00"), 1200),
    ServiceSpec("CONT", "集装箱运输", "箱", Decimal("3200.00"), Decimal("2750.00"), 240),
    ServiceSpec("CUSTOMS", "报关服务", "票", Decimal("650.00"), Decimal("540.00"), 600),
)

# Which services an industry books, with weights.
SERVICE_MIX: dict[str, tuple[tuple[str, int], ...]] = {
    "工业": (("FTL", 4), ("LTL", 3), ("WH", 2), ("CONT", 2), ("CUSTOMS", 1)),
    "零售": (("DIST", 4), ("LTL", 2), ("WH", 2), ("FTL", 2), ("EXP", 1)),
    "电商": (("EXP", 4), ("WH", 3), ("DIST", 3), ("LTL", 1)),
    "冷链": (("COLD", 5), ("DIST", 2), ("WH", 1), ("FTL", 1)),
}


@dataclass(frozen=True)
class SizeProfile:
    """How a customer of a size behaves: orders and contacts per month, yuan per order."""

    weight: float
    orders_per_month: float
    order_value: float
    contacts_per_month: float
    min_credit: int


SIZES: dict[str, SizeProfile] = {
    "small": SizeProfile(0.50, 0.6, 8_000, 0.6, 50_000),
    "medium": SizeProfile(0.35, 1.2, 30_000, 1.1, 200_000),
    "large": SizeProfile(0.15, 2.5, 85_000, 2.0, 800_000),
}

# Logistics slows around the Spring Festival and peaks before 双十一.
MONTH_WEIGHT: dict[int, float] = {
    1: 0.9,
    2: 0.6,
    3: 0.95,
    4: 1.0,
    5: 0.95,
    6: 0.95,
    7: 0.9,
    8: 0.9,
    9: 1.0,
    10: 0.85,
    11: 1.0,
    12: 0.95,
}

CITIES: dict[str, tuple[tuple[str, tuple[str, str]], ...]] = {
    "华南": (
        ("广州", ("白云区", "番禺区")),
        ("深圳", ("宝安区", "龙岗区")),
        ("佛山", ("顺德区", "南海区")),
        ("东莞", ("长安镇", "虎门镇")),
        ("珠海", ("香洲区", "金湾区")),
        ("中山", ("火炬开发区", "小榄镇")),
        ("惠州", ("惠城区", "惠阳区")),
        ("江门", ("蓬江区", "新会区")),
    ),
    "华东": (
        ("上海", ("嘉定区", "松江区")),
        ("杭州", ("余杭区", "萧山区")),
        ("苏州", ("工业园区", "吴中区")),
        ("南京", ("江宁区", "浦口区")),
        ("宁波", ("鄞州区", "北仑区")),
        ("无锡", ("新吴区", "滨湖区")),
        ("合肥", ("包河区", "蜀山区")),
        ("常州", ("武进区", "新北区")),
    ),
    "华北": (
        ("北京", ("大兴区", "顺义区")),
        ("天津", ("武清区", "滨海新区")),
        ("石家庄", ("长安区", "桥西区")),
        ("保定", ("竞秀区", "莲池区")),
        ("廊坊", ("广阳区", "安次区")),
        ("唐山", ("路北区", "丰南区")),
        ("太原", ("小店区", "万柏林区")),
        ("呼和浩特", ("赛罕区", "新城区")),
    ),
    "西南": (
        ("成都", ("双流区", "郫都区")),
        ("重庆", ("渝北区", "九龙坡区")),
        ("昆明", ("官渡区", "呈贡区")),
        ("贵阳", ("观山湖区", "白云区")),
        ("绵阳", ("涪城区", "游仙区")),
        ("宜宾", ("翠屏区", "叙州区")),
        ("遵义", ("汇川区", "红花岗区")),
        ("南充", ("顺庆区", "高坪区")),
    ),
}

ROADS = (
    "工业大道",
    "建设路",
    "人民路",
    "科技园路",
    "物流园路",
    "创业路",
    "发展大道",
    "环城北路",
    "兴业路",
    "长江路",
    "解放路",
    "振兴路",
    "开发区大道",
    "港城路",
    "滨河路",
    "新华路",
)

BRAND_WORDS = (
    "美达",
    "宏远",
    "华盛",
    "恒通",
    "金源",
    "鑫泰",
    "永兴",
    "嘉禾",
    "瑞丰",
    "天成",
    "佳美",
    "新泰",
    "顺发",
    "正和",
    "百川",
    "博远",
    "立信",
    "德润",
    "盛世",
    "万和",
    "凯旋",
    "安达",
    "利源",
    "诚信",
    "恒昌",
    "华宇",
    "东方",
    "远航",
    "祥和",
    "兴隆",
    "宏图",
    "聚鑫",
    "富康",
    "长盛",
    "合众",
    "鸿运",
    "益康",
    "金桥",
    "联丰",
    "海川",
    "同创",
    "志远",
    "锦程",
    "和泰",
    "明辉",
    "昌达",
    "润丰",
    "新宇",
    "泰和",
    "振华",
    "卓越",
    "精诚",
    "宝丰",
    "蓝天",
    "绿源",
    "银河",
    "星辉",
    "福满",
    "中联",
    "广源",
)

NAME_SUFFIXES: dict[str, tuple[str, ...]] = {
    "工业": (
        "电器有限公司",
        "机械制造有限公司",
        "五金制品有限公司",
        "精密模具有限公司",
        "化工有限公司",
        "电子科技有限公司",
        "塑胶制品有限公司",
        "新材料有限公司",
        "汽车零部件有限公司",
        "钢结构有限公司",
    ),
    "零售": (
        "商贸有限公司",
        "连锁超市有限公司",
        "百货有限公司",
        "日用品有限公司",
        "服饰有限公司",
        "便利店管理有限公司",
        "家居用品有限公司",
        "母婴用品有限公司",
    ),
    "电商": (
        "电子商务有限公司",
        "网络科技有限公司",
        "供应链管理有限公司",
        "跨境贸易有限公司",
        "品牌管理有限公司",
        "数码科技有限公司",
    ),
    "冷链": (
        "食品有限公司",
        "生鲜配送有限公司",
        "冷冻食品有限公司",
        "乳业有限公司",
        "医药有限公司",
        "农产品有限公司",
        "水产有限公司",
    ),
}

FAMILY_NAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN_NAMES = (
    "建国",
    "丽华",
    "志强",
    "秀英",
    "海燕",
    "文斌",
    "晓东",
    "春梅",
    "国庆",
    "红霞",
    "明",
    "伟",
    "芳",
    "勇",
    "静",
    "磊",
    "艳",
    "军",
    "斌",
    "鹏",
    "辉",
    "平",
    "刚",
    "桂英",
    "玉兰",
    "建华",
    "建军",
    "永强",
    "志明",
    "晓燕",
    "丽娟",
    "立新",
    "卫东",
    "俊杰",
    "思远",
    "雨婷",
    "海峰",
    "美玲",
    "国华",
    "振宇",
)
MOBILE_PREFIXES = (
    "130",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "199",
)

CUSTOMER_NOTES = (
    "偏好夜间运输",
    "对延迟交货容忍度低",
    "负责人喜欢收到月度报表",
    "年运输量约{n}万吨",
    "要求提前一天电话确认提货时间",
    "财务每月25日对账",
    "仓库周日不收货",
    "需要开具增值税专用发票",
    "对价格敏感，每年三月重新议价",
    "货物易碎，需加强包装",
    "高峰期需预留专线车辆",
    "签收单须原件寄回",
)
LONG_STANDING_NOTE = "合作多年的老客户，{years}年起开始合作"

CHANNEL_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("phone", 35),
    ("wechat", 35),
    ("email", 10),
    ("visit", 15),
    ("other", 5),
)

INTERACTION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "phone": (
        "电话联系{contact}，确认下周{service}需求约{qty}{unit}",
        "{contact}来电询问{service}报价，已发送最新价格表",
        "电话回访上月运输情况，客户整体满意",
        "与{contact}沟通到货时间调整，已同步调度中心",
        "电话提醒上月运费对账，对方承诺月底前付款",
    ),
    "wechat": (
        "微信发送{service}月度对账单，{contact}已确认",
        "{contact}微信反馈一批货物签收单缺失，已安排补发",
        "微信沟通节前备货计划，预计运量有所增加",
        "微信推送新线路开通信息，客户表示会评估",
    ),
    "email": (
        "邮件发送{service}年度合同续签草案",
        "邮件答复客户关于发票抬头变更的问题",
        "发送月度运输报表及时效统计",
    ),
    "visit": (
        "上门拜访{contact}，了解明年物流预算和线路规划",
        "陪同{contact}参观仓库，介绍{service}服务流程",
        "拜访客户工厂，商讨{service}线路优化方案",
        "节前拜访客户，维护合作关系",
    ),
    "other": (
        "在行业展会上与{contact}交流近期业务",
        "客户参加公司年度答谢会",
    ),
}
# What the contacts of a customer drifting away sound like, before and after it goes quiet.
COMPETITOR_HINTS = (
    "{contact}提到有其他物流公司报价更低，询问能否调价",
    "客户采购部换了新负责人，近期询价频繁",
)
# What the team's manager hears when calling such a customer: business steered to a private
# channel ("跑单") and kickbacks; searchable words (私人, 返点) the company can now find.
DIVERSION_HINTS = (
    "回访{contact}，对方提到之前的业务员建议以后通过私人微信直接下单",
    "{contact}询问换物流公司后能否继续按原来的返点结算",
)
DROPPING_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("phone", "电话联系{contact}，对方称近期运输计划减少，暂无新订单"),
    ("wechat", "微信询问{contact}下月需求，回复较慢，未给出具体运量"),
)
# 张伟's month of visits for show before her last week: at least this many records in those four
# weeks, however few the random draws gave.
SHOW_VISITS = 26
SHOW_VISIT_TEMPLATES = (
    "例行拜访{contact}，沟通顺畅，暂无新需求",
    "拜访{contact}，了解近况，后续保持联系",
)
# 跑单: who works whose customers on the side, how often in the last month, and how it reads.
SIDE_BUSINESS = ("ma.chao", "wang.fang")
SIDE_BUSINESS_CONTACTS = 8
SIDE_BUSINESS_TEMPLATES = (
    "私下联系{contact}，介绍朋友公司的{service}报价",
    "微信上和{contact}约了饭，说以后可以直接找我安排车",
    "{contact}问能不能开个人收据，答应帮忙问问",
)
UNASSIGNED_TEMPLATES = (
    "客户来电咨询{service}服务，尚未分配负责销售",
    "展会上收集的名片，客户对{service}有兴趣",
)

COMPLAINT_TEMPLATES = (
    "货物晚到{n}天，影响客户生产排期",
    "部分货物外包装破损，客户要求赔偿",
    "司机未按约定时间提货，客户多次催促",
    "签收单丢失，导致对账延误",
    "运费账单与合同价格不一致",
    "客服电话长时间无人接听",
    "仓库出库错发货物，需重新配送",
    "送货司机服务态度差，客户投诉到总经理",
)
INDUSTRY_COMPLAINTS: dict[str, tuple[str, ...]] = {
    "工业": ("报关资料准备不及时，货物在港口滞留{n}天",),
    "冷链": ("运输途中温度记录超标，客户拒收一批货物", "冷藏车到场未提前预冷，客户要求整改"),
    "电商": ("大促期间揽收延误，客户店铺收到大量催单",),
}

PAYMENT_NOTES = ("银行转账", "银行转账", "承兑汇票", "")
REFUND_NOTES = ("货损赔付退款", "运费多收退回", "取消部分运输退款")
