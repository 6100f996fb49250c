"""Demo administrative tree for Luoyang (洛阳市), from the city down to villages.

The city and its fourteen districts/counties carry their GB/T 2260 codes. The
townships and villages below them use names found in each district or county
as far as known, filled out with plausible rural names; their 9- and 12-digit
codes are assigned here for the demo and are not the official statistical codes.
Township codes: 0xx subdistrict (街道), 1xx town (镇), 2xx township (乡).
Village codes: 0xx community (社区), 2xx village (村). Grids are not listed here;
the demo command generates them under each village.
"""

from __future__ import annotations

from typing import Any

ANNOTATED_NOTE = "Township and village names and codes below are for demo purposes only, not an official register."

CITY: dict[str, Any] = {
    "code": "410300",
    "name": "洛阳市",
    "name_en": "Luoyang",
    "children": [
        {"code": "410302", "name": "老城区", "name_en": "Laocheng District", "children": [
            {"code": "410302001", "name": "西南隅街道", "name_en": "Xi'nanyu Subdistrict", "children": [
                {"code": "410302001001", "name": "十字街社区", "name_en": "Shizijie Community", "kind": "community"},
                {"code": "410302001002", "name": "贴廓巷社区", "name_en": "Tiekuoxiang Community", "kind": "community"},
                {"code": "410302001003", "name": "青年宫社区", "name_en": "Qingniangong Community", "kind": "community"},
            ]},
            {"code": "410302003", "name": "东南隅街道", "name_en": "Dongnanyu Subdistrict", "children": [
                {"code": "410302003001", "name": "丽景门社区", "name_en": "Lijingmen Community", "kind": "community"},
                {"code": "410302003002", "name": "东大街社区", "name_en": "Dongdajie Community", "kind": "community"},
                {"code": "410302003003", "name": "南大街社区", "name_en": "Nandajie Community", "kind": "community"},
            ]},
            {"code": "410302006", "name": "洛浦街道", "name_en": "Luopu Subdistrict", "children": [
                {"code": "410302006001", "name": "洛浦社区", "name_en": "Luopu Community", "kind": "community"},
                {"code": "410302006002", "name": "滨河社区", "name_en": "Binhe Community", "kind": "community"},
                {"code": "410302006003", "name": "新街社区", "name_en": "Xinjie Community", "kind": "community"},
            ]},
            {"code": "410302008", "name": "邙山街道", "name_en": "Mangshan Subdistrict", "children": [
                {"code": "410302008201", "name": "史家屯村", "name_en": "Shijiatun Village", "kind": "village"},
                {"code": "410302008202", "name": "苗南村", "name_en": "Miaonan Village", "kind": "village"},
                {"code": "410302008203", "name": "冢头村", "name_en": "Zhongtou Village", "kind": "village"},
                {"code": "410302008204", "name": "后洞村", "name_en": "Houdong Village", "kind": "village"},
            ]},
        ]},
        {"code": "410303", "name": "西工区", "name_en": "Xigong District", "children": [
            {"code": "410303001", "name": "王城路街道", "name_en": "Wangchenglu Subdistrict", "children": [
                {"code": "410303001001", "name": "王城社区", "name_en": "Wangcheng Community", "kind": "community"},
                {"code": "410303001002", "name": "体育场社区", "name_en": "Tiyuchang Community", "kind": "community"},
                {"code": "410303001003", "name": "纱厂路社区", "name_en": "Shachanglu Community", "kind": "community"},
            ]},
            {"code": "410303002", "name": "金谷园街道", "name_en": "Jinguyuan Subdistrict", "children": [
                {"code": "410303002001", "name": "金谷园社区", "name_en": "Jinguyuan Community", "kind": "community"},
                {"code": "410303002002", "name": "道北社区", "name_en": "Daobei Community", "kind": "community"},
                {"code": "410303002003", "name": "西站社区", "name_en": "Xizhan Community", "kind": "community"},
            ]},
            {"code": "410303004", "name": "唐宫路街道", "name_en": "Tanggonglu Subdistrict", "children": [
                {"code": "410303004001", "name": "唐宫社区", "name_en": "Tanggong Community", "kind": "community"},
                {"code": "410303004002", "name": "中州社区", "name_en": "Zhongzhou Community", "kind": "community"},
                {"code": "410303004003", "name": "七一路社区", "name_en": "Qiyilu Community", "kind": "community"},
            ]},
            {"code": "410303009", "name": "红山街道", "name_en": "Hongshan Subdistrict", "children": [
                {"code": "410303009201", "name": "红山村", "name_en": "Hongshan Village", "kind": "village"},
                {"code": "410303009202", "name": "牛家庄村", "name_en": "Niujiazhuang Village", "kind": "village"},
                {"code": "410303009203", "name": "杨庄村", "name_en": "Yangzhuang Village", "kind": "village"},
                {"code": "410303009204", "name": "苗湾村", "name_en": "Miaowan Village", "kind": "village"},
            ]},
        ]},
        {"code": "410304", "name": "瀍河回族区", "name_en": "Chanhe Hui District", "children": [
            {"code": "410304001", "name": "东关街道", "name_en": "Dongguan Subdistrict", "children": [
                {"code": "410304001001", "name": "东关社区", "name_en": "Dongguan Community", "kind": "community"},
                {"code": "410304001002", "name": "瀍河社区", "name_en": "Chanhe Community", "kind": "community"},
                {"code": "410304001003", "name": "下园社区", "name_en": "Xiayuan Community", "kind": "community"},
            ]},
            {"code": "410304005", "name": "北窑街道", "name_en": "Beiyao Subdistrict", "children": [
                {"code": "410304005001", "name": "北窑社区", "name_en": "Beiyao Community", "kind": "community"},
                {"code": "410304005002", "name": "焦枝社区", "name_en": "Jiaozhi Community", "kind": "community"},
                {"code": "410304005003", "name": "铁路社区", "name_en": "Tielu Community", "kind": "community"},
            ]},
            {"code": "410304006", "name": "塔湾街道", "name_en": "Tawan Subdistrict", "children": [
                {"code": "410304006001", "name": "塔湾社区", "name_en": "Tawan Community", "kind": "community"},
                {"code": "410304006002", "name": "马坡社区", "name_en": "Mapo Community", "kind": "community"},
                {"code": "410304006003", "name": "五股路社区", "name_en": "Wugulu Community", "kind": "community"},
            ]},
            {"code": "410304008", "name": "瀍河街道", "name_en": "Chanhe Subdistrict", "children": [
                {"code": "410304008201", "name": "史家湾村", "name_en": "Shijiawan Village", "kind": "village"},
                {"code": "410304008202", "name": "杨文村", "name_en": "Yangwen Village", "kind": "village"},
                {"code": "410304008203", "name": "马屯村", "name_en": "Matun Village", "kind": "village"},
                {"code": "410304008204", "name": "小李村", "name_en": "Xiaoli Village", "kind": "village"},
            ]},
        ]},
        {"code": "410305", "name": "涧西区", "name_en": "Jianxi District", "children": [
            {"code": "410305001", "name": "湖北路街道", "name_en": "Hubeilu Subdistrict", "children": [
                {"code": "410305001001", "name": "湖北路社区", "name_en": "Hubeilu Community", "kind": "community"},
                {"code": "410305001002", "name": "青岛路社区", "name_en": "Qingdaolu Community", "kind": "community"},
                {"code": "410305001003", "name": "裕华社区", "name_en": "Yuhua Community", "kind": "community"},
            ]},
            {"code": "410305002", "name": "天津路街道", "name_en": "Tianjinlu Subdistrict", "children": [
                {"code": "410305002001", "name": "天津路社区", "name_en": "Tianjinlu Community", "kind": "community"},
                {"code": "410305002002", "name": "上海市场社区", "name_en": "Shanghai Shichang Community", "kind": "community"},
                {"code": "410305002003", "name": "九都社区", "name_en": "Jiudu Community", "kind": "community"},
            ]},
            {"code": "410305005", "name": "长安路街道", "name_en": "Chang'anlu Subdistrict", "children": [
                {"code": "410305005001", "name": "长安路社区", "name_en": "Chang'anlu Community", "kind": "community"},
                {"code": "410305005002", "name": "辽宁路社区", "name_en": "Liaoninglu Community", "kind": "community"},
                {"code": "410305005003", "name": "衡山路社区", "name_en": "Hengshanlu Community", "kind": "community"},
            ]},
            {"code": "410305011", "name": "工农街道", "name_en": "Gongnong Subdistrict", "children": [
                {"code": "410305011201", "name": "兴隆寨村", "name_en": "Xinglongzhai Village", "kind": "village"},
                {"code": "410305011202", "name": "东马沟村", "name_en": "Dongmagou Village", "kind": "village"},
                {"code": "410305011203", "name": "西马沟村", "name_en": "Ximagou Village", "kind": "village"},
                {"code": "410305011204", "name": "孙旗屯村", "name_en": "Sunqitun Village", "kind": "village"},
            ]},
        ]},
        {"code": "410307", "name": "偃师区", "name_en": "Yanshi District", "children": [
            {"code": "410307001", "name": "首阳山街道", "name_en": "Shouyangshan Subdistrict", "children": [
                {"code": "410307001001", "name": "首阳社区", "name_en": "Shouyang Community", "kind": "community"},
                {"code": "410307001201", "name": "前杜楼村", "name_en": "Qiandulou Village", "kind": "village"},
                {"code": "410307001202", "name": "沟口头村", "name_en": "Goukoutou Village", "kind": "village"},
                {"code": "410307001203", "name": "西蔡庄村", "name_en": "Xicaizhuang Village", "kind": "village"},
            ]},
            {"code": "410307101", "name": "缑氏镇", "name_en": "Goushi Town", "children": [
                {"code": "410307101201", "name": "陈河村", "name_en": "Chenhe Village", "kind": "village"},
                {"code": "410307101202", "name": "唐僧寺村", "name_en": "Tangsengsi Village", "kind": "village"},
                {"code": "410307101203", "name": "缑氏村", "name_en": "Goushi Village", "kind": "village"},
                {"code": "410307101204", "name": "管茅村", "name_en": "Guanmao Village", "kind": "village"},
            ]},
            {"code": "410307102", "name": "府店镇", "name_en": "Fudian Town", "children": [
                {"code": "410307102201", "name": "府店村", "name_en": "Fudian Village", "kind": "village"},
                {"code": "410307102202", "name": "参驾店村", "name_en": "Canjiadian Village", "kind": "village"},
                {"code": "410307102203", "name": "佛光村", "name_en": "Foguang Village", "kind": "village"},
            ]},
            {"code": "410307103", "name": "翟镇镇", "name_en": "Zhaizhen Town", "children": [
                {"code": "410307103201", "name": "二里头村", "name_en": "Erlitou Village", "kind": "village"},
                {"code": "410307103202", "name": "圪当头村", "name_en": "Gedangtou Village", "kind": "village"},
                {"code": "410307103203", "name": "翟镇村", "name_en": "Zhaizhen Village", "kind": "village"},
            ]},
            {"code": "410307104", "name": "顾县镇", "name_en": "Guxian Town", "children": [
                {"code": "410307104201", "name": "顾县村", "name_en": "Guxian Village", "kind": "village"},
                {"code": "410307104202", "name": "曲家寨村", "name_en": "Qujiazhai Village", "kind": "village"},
                {"code": "410307104203", "name": "安滩村", "name_en": "Antan Village", "kind": "village"},
            ]},
        ]},
        {"code": "410308", "name": "孟津区", "name_en": "Mengjin District", "children": [
            {"code": "410308101", "name": "会盟镇", "name_en": "Huimeng Town", "children": [
                {"code": "410308101201", "name": "扣马村", "name_en": "Kouma Village", "kind": "village"},
                {"code": "410308101202", "name": "雷河村", "name_en": "Leihe Village", "kind": "village"},
                {"code": "410308101203", "name": "花园村", "name_en": "Huayuan Village", "kind": "village"},
                {"code": "410308101204", "name": "台荫村", "name_en": "Taiyin Village", "kind": "village"},
            ]},
            {"code": "410308102", "name": "平乐镇", "name_en": "Pingle Town", "children": [
                {"code": "410308102201", "name": "平乐村", "name_en": "Pingle Village", "kind": "village"},
                {"code": "410308102202", "name": "金村", "name_en": "Jincun Village", "kind": "village"},
                {"code": "410308102203", "name": "翟泉村", "name_en": "Zhaiquan Village", "kind": "village"},
            ]},
            {"code": "410308103", "name": "白鹤镇", "name_en": "Baihe Town", "children": [
                {"code": "410308103201", "name": "白鹤村", "name_en": "Baihe Village", "kind": "village"},
                {"code": "410308103202", "name": "鹤西村", "name_en": "Hexi Village", "kind": "village"},
                {"code": "410308103203", "name": "范村", "name_en": "Fancun Village", "kind": "village"},
            ]},
            {"code": "410308104", "name": "朝阳镇", "name_en": "Chaoyang Town", "children": [
                {"code": "410308104201", "name": "卫坡村", "name_en": "Weipo Village", "kind": "village"},
                {"code": "410308104202", "name": "南石山村", "name_en": "Nanshishan Village", "kind": "village"},
                {"code": "410308104203", "name": "朝阳村", "name_en": "Chaoyang Village", "kind": "village"},
                {"code": "410308104204", "name": "北石山村", "name_en": "Beishishan Village", "kind": "village"},
            ]},
            {"code": "410308105", "name": "横水镇", "name_en": "Hengshui Town", "children": [
                {"code": "410308105201", "name": "横水村", "name_en": "Hengshui Village", "kind": "village"},
                {"code": "410308105202", "name": "寺院坡村", "name_en": "Siyuanpo Village", "kind": "village"},
                {"code": "410308105203", "name": "马岭村", "name_en": "Maling Village", "kind": "village"},
            ]},
        ]},
        {"code": "410311", "name": "洛龙区", "name_en": "Luolong District", "children": [
            {"code": "410311001", "name": "开元路街道", "name_en": "Kaiyuanlu Subdistrict", "children": [
                {"code": "410311001001", "name": "开元社区", "name_en": "Kaiyuan Community", "kind": "community"},
                {"code": "410311001002", "name": "牡丹社区", "name_en": "Mudan Community", "kind": "community"},
                {"code": "410311001003", "name": "政和社区", "name_en": "Zhenghe Community", "kind": "community"},
            ]},
            {"code": "410311002", "name": "关林街道", "name_en": "Guanlin Subdistrict", "children": [
                {"code": "410311002001", "name": "关林社区", "name_en": "Guanlin Community", "kind": "community"},
                {"code": "410311002201", "name": "皂角树村", "name_en": "Zaojiaoshu Village", "kind": "village"},
                {"code": "410311002202", "name": "七里河村", "name_en": "Qilihe Village", "kind": "village"},
            ]},
            {"code": "410311003", "name": "龙门石窟街道", "name_en": "Longmen Shiku Subdistrict", "children": [
                {"code": "410311003201", "name": "龙门村", "name_en": "Longmen Village", "kind": "village"},
                {"code": "410311003202", "name": "魏湾村", "name_en": "Weiwan Village", "kind": "village"},
                {"code": "410311003203", "name": "郜庄村", "name_en": "Gaozhuang Village", "kind": "village"},
                {"code": "410311003204", "name": "张沟村", "name_en": "Zhanggou Village", "kind": "village"},
            ]},
            {"code": "410311101", "name": "安乐镇", "name_en": "Anle Town", "children": [
                {"code": "410311101201", "name": "安乐村", "name_en": "Anle Village", "kind": "village"},
                {"code": "410311101202", "name": "军屯村", "name_en": "Juntun Village", "kind": "village"},
                {"code": "410311101203", "name": "聂湾村", "name_en": "Niewan Village", "kind": "village"},
            ]},
            {"code": "410311102", "name": "白马寺镇", "name_en": "Baimasi Town", "children": [
                {"code": "410311102201", "name": "白马寺村", "name_en": "Baimasi Village", "kind": "village"},
                {"code": "410311102202", "name": "枣园村", "name_en": "Zaoyuan Village", "kind": "village"},
                {"code": "410311102203", "name": "东大郊村", "name_en": "Dongdajiao Village", "kind": "village"},
                {"code": "410311102204", "name": "朱圪垱村", "name_en": "Zhugedang Village", "kind": "village"},
            ]},
        ]},
        {"code": "410323", "name": "新安县", "name_en": "Xin'an County", "children": [
            {"code": "410323101", "name": "铁门镇", "name_en": "Tiemen Town", "children": [
                {"code": "410323101201", "name": "铁门村", "name_en": "Tiemen Village", "kind": "village"},
                {"code": "410323101202", "name": "庙头村", "name_en": "Miaotou Village", "kind": "village"},
                {"code": "410323101203", "name": "高庄村", "name_en": "Gaozhuang Village", "kind": "village"},
            ]},
            {"code": "410323102", "name": "磁涧镇", "name_en": "Cijian Town", "children": [
                {"code": "410323102201", "name": "磁涧村", "name_en": "Cijian Village", "kind": "village"},
                {"code": "410323102202", "name": "礼河村", "name_en": "Lihe Village", "kind": "village"},
                {"code": "410323102203", "name": "北孙村", "name_en": "Beisun Village", "kind": "village"},
            ]},
            {"code": "410323103", "name": "石井镇", "name_en": "Shijing Town", "children": [
                {"code": "410323103201", "name": "黛眉村", "name_en": "Daimei Village", "kind": "village"},
                {"code": "410323103202", "name": "石井村", "name_en": "Shijing Village", "kind": "village"},
                {"code": "410323103203", "name": "东山村", "name_en": "Dongshan Village", "kind": "village"},
                {"code": "410323103204", "name": "寺坡村", "name_en": "Sipo Village", "kind": "village"},
            ]},
            {"code": "410323104", "name": "仓头镇", "name_en": "Cangtou Town", "children": [
                {"code": "410323104201", "name": "仓头村", "name_en": "Cangtou Village", "kind": "village"},
                {"code": "410323104202", "name": "孙都村", "name_en": "Sundu Village", "kind": "village"},
                {"code": "410323104203", "name": "西沃村", "name_en": "Xiwo Village", "kind": "village"},
            ]},
            {"code": "410323201", "name": "曹村乡", "name_en": "Caocun Township", "children": [
                {"code": "410323201201", "name": "曹村", "name_en": "Caocun Village", "kind": "village"},
                {"code": "410323201202", "name": "马头村", "name_en": "Matou Village", "kind": "village"},
                {"code": "410323201203", "name": "青山村", "name_en": "Qingshan Village", "kind": "village"},
            ]},
        ]},
        {"code": "410324", "name": "栾川县", "name_en": "Luanchuan County", "children": [
            {"code": "410324101", "name": "庙子镇", "name_en": "Miaozi Town", "children": [
                {"code": "410324101201", "name": "庙子村", "name_en": "Miaozi Village", "kind": "village"},
                {"code": "410324101202", "name": "庄子村", "name_en": "Zhuangzi Village", "kind": "village"},
                {"code": "410324101203", "name": "高崖头村", "name_en": "Gaoyatou Village", "kind": "village"},
                {"code": "410324101204", "name": "黄石砭村", "name_en": "Huangshibian Village", "kind": "village"},
            ]},
            {"code": "410324102", "name": "合峪镇", "name_en": "Heyu Town", "children": [
                {"code": "410324102201", "name": "合峪村", "name_en": "Heyu Village", "kind": "village"},
                {"code": "410324102202", "name": "庙湾村", "name_en": "Miaowan Village", "kind": "village"},
                {"code": "410324102203", "name": "杨树坪村", "name_en": "Yangshuping Village", "kind": "village"},
            ]},
            {"code": "410324103", "name": "陶湾镇", "name_en": "Taowan Town", "children": [
                {"code": "410324103201", "name": "陶湾村", "name_en": "Taowan Village", "kind": "village"},
                {"code": "410324103202", "name": "协心村", "name_en": "Xiexin Village", "kind": "village"},
                {"code": "410324103203", "name": "红庙村", "name_en": "Hongmiao Village", "kind": "village"},
            ]},
            {"code": "410324104", "name": "潭头镇", "name_en": "Tantou Town", "children": [
                {"code": "410324104201", "name": "重渡沟村", "name_en": "Chongdugou Village", "kind": "village"},
                {"code": "410324104202", "name": "潭头村", "name_en": "Tantou Village", "kind": "village"},
                {"code": "410324104203", "name": "汤营村", "name_en": "Tangying Village", "kind": "village"},
                {"code": "410324104204", "name": "大王庙村", "name_en": "Dawangmiao Village", "kind": "village"},
            ]},
            {"code": "410324201", "name": "栾川乡", "name_en": "Luanchuan Township", "children": [
                {"code": "410324201201", "name": "养子沟村", "name_en": "Yangzigou Village", "kind": "village"},
                {"code": "410324201202", "name": "栾川村", "name_en": "Luanchuan Village", "kind": "village"},
                {"code": "410324201203", "name": "寨沟村", "name_en": "Zhaigou Village", "kind": "village"},
                {"code": "410324201204", "name": "土沟村", "name_en": "Tugou Village", "kind": "village"},
            ]},
        ]},
        {"code": "410325", "name": "嵩县", "name_en": "Song County", "children": [
            {"code": "410325101", "name": "田湖镇", "name_en": "Tianhu Town", "children": [
                {"code": "410325101201", "name": "田湖村", "name_en": "Tianhu Village", "kind": "village"},
                {"code": "410325101202", "name": "程村", "name_en": "Chengcun Village", "kind": "village"},
                {"code": "410325101203", "name": "陆浑村", "name_en": "Luhun Village", "kind": "village"},
            ]},
            {"code": "410325102", "name": "车村镇", "name_en": "Checun Town", "children": [
                {"code": "410325102201", "name": "天桥沟村", "name_en": "Tianqiaogou Village", "kind": "village"},
                {"code": "410325102202", "name": "车村", "name_en": "Checun Village", "kind": "village"},
                {"code": "410325102203", "name": "孙店村", "name_en": "Sundian Village", "kind": "village"},
                {"code": "410325102204", "name": "下庙村", "name_en": "Xiamiao Village", "kind": "village"},
            ]},
            {"code": "410325103", "name": "旧县镇", "name_en": "Jiuxian Town", "children": [
                {"code": "410325103201", "name": "旧县村", "name_en": "Jiuxian Village", "kind": "village"},
                {"code": "410325103202", "name": "河南村", "name_en": "Henan Village", "kind": "village"},
                {"code": "410325103203", "name": "焦涧村", "name_en": "Jiaojian Village", "kind": "village"},
            ]},
            {"code": "410325104", "name": "白河镇", "name_en": "Baihe Town", "children": [
                {"code": "410325104201", "name": "下寺村", "name_en": "Xiasi Village", "kind": "village"},
                {"code": "410325104202", "name": "白河村", "name_en": "Baihe Village", "kind": "village"},
                {"code": "410325104203", "name": "马路平村", "name_en": "Maluping Village", "kind": "village"},
            ]},
            {"code": "410325201", "name": "九店乡", "name_en": "Jiudian Township", "children": [
                {"code": "410325201201", "name": "九店村", "name_en": "Jiudian Village", "kind": "village"},
                {"code": "410325201202", "name": "石场村", "name_en": "Shichang Village", "kind": "village"},
                {"code": "410325201203", "name": "前坡村", "name_en": "Qianpo Village", "kind": "village"},
            ]},
        ]},
        {"code": "410326", "name": "汝阳县", "name_en": "Ruyang County", "children": [
            {"code": "410326101", "name": "付店镇", "name_en": "Fudian Town", "children": [
                {"code": "410326101201", "name": "付店村", "name_en": "Fudian Village", "kind": "village"},
                {"code": "410326101202", "name": "牌路村", "name_en": "Pailu Village", "kind": "village"},
                {"code": "410326101203", "name": "竹园村", "name_en": "Zhuyuan Village", "kind": "village"},
            ]},
            {"code": "410326102", "name": "刘店镇", "name_en": "Liudian Town", "children": [
                {"code": "410326102201", "name": "刘店村", "name_en": "Liudian Village", "kind": "village"},
                {"code": "410326102202", "name": "黄屯村", "name_en": "Huangtun Village", "kind": "village"},
                {"code": "410326102203", "name": "沙坪村", "name_en": "Shaping Village", "kind": "village"},
            ]},
            {"code": "410326103", "name": "上店镇", "name_en": "Shangdian Town", "children": [
                {"code": "410326103201", "name": "上店村", "name_en": "Shangdian Village", "kind": "village"},
                {"code": "410326103202", "name": "大安村", "name_en": "Da'an Village", "kind": "village"},
                {"code": "410326103203", "name": "西泰山村", "name_en": "Xitaishan Village", "kind": "village"},
            ]},
            {"code": "410326201", "name": "蔡店乡", "name_en": "Caidian Township", "children": [
                {"code": "410326201201", "name": "杜康村", "name_en": "Dukang Village", "kind": "village"},
                {"code": "410326201202", "name": "蔡店村", "name_en": "Caidian Village", "kind": "village"},
                {"code": "410326201203", "name": "东保村", "name_en": "Dongbao Village", "kind": "village"},
                {"code": "410326201204", "name": "北保村", "name_en": "Beibao Village", "kind": "village"},
            ]},
            {"code": "410326202", "name": "十八盘乡", "name_en": "Shibapan Township", "children": [
                {"code": "410326202201", "name": "十八盘村", "name_en": "Shibapan Village", "kind": "village"},
                {"code": "410326202202", "name": "马寺村", "name_en": "Masi Village", "kind": "village"},
                {"code": "410326202203", "name": "王沟村", "name_en": "Wanggou Village", "kind": "village"},
            ]},
        ]},
        {"code": "410327", "name": "宜阳县", "name_en": "Yiyang County", "children": [
            {"code": "410327101", "name": "韩城镇", "name_en": "Hancheng Town", "children": [
                {"code": "410327101201", "name": "东关村", "name_en": "Dongguan Village", "kind": "village"},
                {"code": "410327101202", "name": "福昌村", "name_en": "Fuchang Village", "kind": "village"},
                {"code": "410327101203", "name": "车营村", "name_en": "Cheying Village", "kind": "village"},
            ]},
            {"code": "410327102", "name": "三乡镇", "name_en": "Sanxiang Town", "children": [
                {"code": "410327102201", "name": "三乡村", "name_en": "Sanxiang Village", "kind": "village"},
                {"code": "410327102202", "name": "南寨村", "name_en": "Nanzhai Village", "kind": "village"},
                {"code": "410327102203", "name": "东柏坡村", "name_en": "Dongbaipo Village", "kind": "village"},
            ]},
            {"code": "410327103", "name": "柳泉镇", "name_en": "Liuquan Town", "children": [
                {"code": "410327103201", "name": "柳泉村", "name_en": "Liuquan Village", "kind": "village"},
                {"code": "410327103202", "name": "尹村", "name_en": "Yincun Village", "kind": "village"},
                {"code": "410327103203", "name": "灵山村", "name_en": "Lingshan Village", "kind": "village"},
            ]},
            {"code": "410327104", "name": "锦屏镇", "name_en": "Jinping Town", "children": [
                {"code": "410327104001", "name": "锦屏社区", "name_en": "Jinping Community", "kind": "community"},
                {"code": "410327104201", "name": "马窑村", "name_en": "Mayao Village", "kind": "village"},
                {"code": "410327104202", "name": "城角村", "name_en": "Chengjiao Village", "kind": "village"},
            ]},
            {"code": "410327201", "name": "花果山乡", "name_en": "Huaguoshan Township", "children": [
                {"code": "410327201201", "name": "花果山村", "name_en": "Huaguoshan Village", "kind": "village"},
                {"code": "410327201202", "name": "穆册村", "name_en": "Muce Village", "kind": "village"},
                {"code": "410327201203", "name": "山底村", "name_en": "Shandi Village", "kind": "village"},
            ]},
        ]},
        {"code": "410328", "name": "洛宁县", "name_en": "Luoning County", "children": [
            {"code": "410328101", "name": "上戈镇", "name_en": "Shangge Town", "children": [
                {"code": "410328101201", "name": "上戈村", "name_en": "Shangge Village", "kind": "village"},
                {"code": "410328101202", "name": "西山底村", "name_en": "Xishandi Village", "kind": "village"},
                {"code": "410328101203", "name": "龙头村", "name_en": "Longtou Village", "kind": "village"},
                {"code": "410328101204", "name": "苇园村", "name_en": "Weiyuan Village", "kind": "village"},
            ]},
            {"code": "410328102", "name": "长水镇", "name_en": "Changshui Town", "children": [
                {"code": "410328102201", "name": "长水村", "name_en": "Changshui Village", "kind": "village"},
                {"code": "410328102202", "name": "西长水村", "name_en": "Xichangshui Village", "kind": "village"},
                {"code": "410328102203", "name": "杨坡村", "name_en": "Yangpo Village", "kind": "village"},
            ]},
            {"code": "410328103", "name": "故县镇", "name_en": "Guxian Town", "children": [
                {"code": "410328103201", "name": "故县村", "name_en": "Guxian Village", "kind": "village"},
                {"code": "410328103202", "name": "崇阳村", "name_en": "Chongyang Village", "kind": "village"},
                {"code": "410328103203", "name": "东坡村", "name_en": "Dongpo Village", "kind": "village"},
            ]},
            {"code": "410328201", "name": "罗岭乡", "name_en": "Luoling Township", "children": [
                {"code": "410328201201", "name": "罗岭村", "name_en": "Luoling Village", "kind": "village"},
                {"code": "410328201202", "name": "前河村", "name_en": "Qianhe Village", "kind": "village"},
                {"code": "410328201203", "name": "坡头村", "name_en": "Potou Village", "kind": "village"},
            ]},
        ]},
        {"code": "410329", "name": "伊川县", "name_en": "Yichuan County", "children": [
            {"code": "410329001", "name": "城关街道", "name_en": "Chengguan Subdistrict", "children": [
                {"code": "410329001001", "name": "伊滨社区", "name_en": "Yibin Community", "kind": "community"},
                {"code": "410329001002", "name": "东街社区", "name_en": "Dongjie Community", "kind": "community"},
                {"code": "410329001201", "name": "南府店村", "name_en": "Nanfudian Village", "kind": "village"},
            ]},
            {"code": "410329101", "name": "鸣皋镇", "name_en": "Minggao Town", "children": [
                {"code": "410329101201", "name": "鸣皋村", "name_en": "Minggao Village", "kind": "village"},
                {"code": "410329101202", "name": "徐营村", "name_en": "Xuying Village", "kind": "village"},
                {"code": "410329101203", "name": "槐庄村", "name_en": "Huaizhuang Village", "kind": "village"},
                {"code": "410329101204", "name": "中溪村", "name_en": "Zhongxi Village", "kind": "village"},
            ]},
            {"code": "410329102", "name": "白沙镇", "name_en": "Baisha Town", "children": [
                {"code": "410329102201", "name": "白沙村", "name_en": "Baisha Village", "kind": "village"},
                {"code": "410329102202", "name": "常岭村", "name_en": "Changling Village", "kind": "village"},
                {"code": "410329102203", "name": "后王村", "name_en": "Houwang Village", "kind": "village"},
            ]},
            {"code": "410329103", "name": "彭婆镇", "name_en": "Pengpo Town", "children": [
                {"code": "410329103201", "name": "彭婆村", "name_en": "Pengpo Village", "kind": "village"},
                {"code": "410329103202", "name": "东高屯村", "name_en": "Donggaotun Village", "kind": "village"},
                {"code": "410329103203", "name": "西草店村", "name_en": "Xicaodian Village", "kind": "village"},
            ]},
            {"code": "410329104", "name": "江左镇", "name_en": "Jiangzuo Town", "children": [
                {"code": "410329104201", "name": "江左村", "name_en": "Jiangzuo Village", "kind": "village"},
                {"code": "410329104202", "name": "杨沟村", "name_en": "Yanggou Village", "kind": "village"},
                {"code": "410329104203", "name": "平东村", "name_en": "Pingdong Village", "kind": "village"},
            ]},
        ]},
    ],
}
