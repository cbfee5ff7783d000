"""Builds the knowledge-base labelled corpus in ``files/`` (committed, so a plain clone has it).

Run from the project root: ``python tests/corpus/kb/make_corpus.py`` (PDFs need LibreOffice).
Fictional company documents in Chinese and English; ``questions.json`` labels each question
with the file and a piece of text the retrieved chunk must contain.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "files"
sys.path.insert(0, str(HERE.parents[2]))

from tests.kb_helpers import make_docx, make_pptx, make_xlsx  # noqa: E402

DOCX = {
    "差旅管理办法.docx": [
        ("h1", "第一章 总则"), ("p", "为规范公司员工因公出差行为，合理控制差旅成本，制定本办法。本办法适用于公司全体正式员工及实习生。"),
        ("p", "出差须提前在OA系统提交出差申请，经部门负责人批准后方可出行。"),
        ("h1", "第二章 交通"), ("p", "员工出差优先乘坐高铁二等座；单程超过八小时的，经批准可乘坐飞机经济舱。"),
        ("p", "市内交通原则上乘坐公共交通工具，确有需要可乘坐出租车，凭发票报销。"),
        ("h1", "第三章 住宿"), ("p", "员工出差住宿标准：北京、上海、广州、深圳等一线城市每晚不超过600元，其他城市每晚不超过400元。"),
        ("p", "部门总监及以上级别人员住宿标准上浮30%。超出标准部分由个人承担。"),
        ("h1", "第四章 补助"), ("p", "出差期间按每人每天100元发放伙食补助，按实际出差天数计算，不再另行报销餐费。"),
        ("h1", "第五章 报销"), ("p", "差旅费用须在出差结束后10个工作日内通过财务系统提交报销，逾期不予受理。"),
    ],
    "考勤与休假制度.docx": [
        ("h1", "一、工作时间"), ("p", "公司实行弹性工作制，核心工作时间为上午10:00至下午4:00，每日工作满8小时。"),
        ("h1", "二、年休假"), ("p", "员工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。"),
        ("p", "年休假可以分段使用，当年未休完的年假可顺延至次年3月31日前使用。"),
        ("h1", "三、病假"), ("p", "员工请病假须提供二级以上医院出具的诊断证明，病假期间工资按本人基本工资的80%发放。"),
        ("h1", "四、婚假与产假"), ("p", "员工依法办理结婚登记的，可享受婚假3天；女员工生育享受产假158天。"),
        ("h1", "五、加班"), ("table", "加班类型|补偿方式\n工作日加班|优先安排调休\n休息日加班|调休或支付200%工资\n法定节假日加班|支付300%工资"),
    ],
    "信息安全管理规定.docx": [
        ("h1", "第一条 账号与密码"), ("p", "所有系统账号密码长度不少于12位，须包含大小写字母、数字和符号，并每90天更换一次。"),
        ("h1", "第二条 终端设备"), ("p", "禁止在办公电脑上使用未经登记的U盘等移动存储设备；离开工位须锁定屏幕。"),
        ("h1", "第三条 数据分级"), ("p", "公司数据分为公开、内部、机密、绝密四级。机密及以上数据不得通过个人邮箱或即时通讯工具传输。"),
        ("h1", "第四条 安全事件报告"), ("p", "发现疑似信息安全事件，应在1小时内报告信息安全部，电话分机6110。"),
    ],
    "采购管理办法.docx": [
        ("h1", "第一章 采购方式"), ("p", "单笔采购金额在5万元以上的，须至少取得三家供应商报价进行比价。"),
        ("p", "单笔采购金额在50万元以上的，须采用公开招标方式。"),
        ("h1", "第二章 审批权限"), ("p", "10万元以下的采购由部门负责人审批；10万元至50万元由分管副总审批；50万元以上由总经理办公会审批。"),
        ("h1", "第三章 付款"), ("p", "采购合同原则上预付款不超过合同金额的30%，验收合格后支付尾款。"),
    ],
    "Customer Support SLA.docx": [
        ("h1", "1. Severity levels"), ("p", "Severity 1 means the service is down for all users; Severity 2 means a major feature is unavailable; Severity 3 covers minor issues and questions."),
        ("h1", "2. Response times"), ("p", "We respond to Severity 1 incidents within 4 hours, around the clock. Severity 2 incidents receive a response within one business day, and Severity 3 within three business days."),
        ("h1", "3. Availability"), ("p", "The hosted service is available at least 99.9% of each calendar month, excluding scheduled maintenance announced 48 hours in advance."),
        ("h1", "4. Service credits"), ("p", "If monthly availability falls below the commitment, the customer receives a credit of 10% of the monthly fee for each full hour of additional downtime, capped at 50%."),
    ],
    "Employee Handbook.docx": [
        ("h1", "Working from home"), ("p", "Employees may work remotely up to two days per week after agreeing a schedule with their manager."),
        ("h1", "Probation"), ("p", "New employees serve a probation period of three months, during which the notice period is one week."),
        ("h1", "Dress code"), ("p", "Business casual is expected in the office; formal attire is required when meeting clients."),
        ("h1", "Parental leave"), ("p", "Parents are entitled to 16 weeks of paid parental leave, which can be taken within the first year after birth or adoption."),
    ],
    "Expense Policy.docx": [
        ("h1", "Meals"), ("p", "Meal expenses while travelling are reimbursed up to 50 dollars per day, including tips."),
        ("h1", "Mileage"), ("p", "Use of a private car for business trips is reimbursed at 0.58 dollars per mile."),
        ("h1", "Receipts"), ("p", "Itemised receipts are required for every expense above 25 dollars. Claims must be submitted within 30 days."),
        ("h1", "Alcohol"), ("p", "Alcoholic drinks are not reimbursable unless a client is present and a director approves in advance."),
    ],
}

PPTX = {
    "2024年度经营回顾.pptx": [
        ("2024年度经营回顾", ["集团经营管理部", "2025年1月"], ""),
        ("全年营收", ["全年营业收入12.6亿元，同比增长18%", "毛利率提升至34%"], "强调增长主要来自新产品线"),
        ("客户拓展", ["新增签约客户320家", "客户续约率达到92%"], ""),
        ("区域表现", ["华东区营收占比41%，贡献最大", "西南区增速最快，同比增长35%"], ""),
        ("2025年目标", ["营业收入突破15亿元", "海外市场收入占比达到10%"], "目标已经董事会审议通过"),
    ],
    "新员工入职培训.pptx": [
        ("新员工入职培训", ["人力资源部"], ""),
        ("入职第一天", ["领取工牌和门禁卡", "IT部门开通邮箱和OA账号"], "门禁卡丢失补办费用50元"),
        ("导师制度", ["每位新员工配备一名导师", "导师负责前三个月的业务辅导"], ""),
        ("试用期考核", ["试用期满前两周进行转正答辩", "考核结果分为优秀、合格、不合格"], "不合格者不予转正"),
    ],
    "Product Roadmap 2025.pptx": [
        ("Product Roadmap 2025", ["Product management", "Internal"], ""),
        ("Q1: Enterprise", ["Single sign-on with SAML and OIDC", "Audit log export"], ""),
        ("Q2: Mobile", ["Native mobile app for iOS and Android launches in June"], "Beta opens to customers in April"),
        ("Q3: Offline", ["Offline mode with background sync", "Conflict resolution for shared documents"], ""),
        ("Pricing", ["Starter 9 dollars per user per month", "Business 19 dollars per user per month"], ""),
    ],
    "Security Awareness Training.pptx": [
        ("Security Awareness Training", ["IT Security"], ""),
        ("Spotting phishing", ["Check the sender address", "Hover over links before clicking", "Never enter your password from an email link"], ""),
        ("Reporting", ["Forward suspicious emails to security@example.com", "Call the helpdesk on extension 4400 if you clicked a link"], ""),
        ("Removable media", ["Do not plug in USB drives found in public places"], "Mention the parking-lot USB experiment"),
    ],
}


def build_sheets() -> None:
    stock = [["物品名称", "规格", "库存数量", "单位", "存放位置"]]
    items = [("A4复印纸", "80克", 120, "箱", "3楼仓库"), ("签字笔", "0.5毫米 黑色", 860, "支", "前台"),
             ("订书机", "标准型", 35, "个", "3楼仓库"), ("文件夹", "A4 蓝色", 410, "个", "前台"),
             ("硒鼓", "HP 88A", 14, "个", "IT机房"), ("白板笔", "红色", 96, "支", "会议室柜"),
             ("笔记本", "B5 线圈", 250, "本", "3楼仓库"), ("便利贴", "76×76毫米", 300, "本", "前台")]
    stock += [list(r) for r in items]
    make_xlsx(OUT / "办公用品库存.xlsx", {"库存": stock})
    suppliers = [["供应商", "类别", "所在城市", "联系人", "电话"],
                 ["华信办公用品有限公司", "办公用品", "杭州", "王丽", "0571-8802-1234"],
                 ["蓝海网络科技", "IT设备", "深圳", "陈刚", "0755-2660-5678"],
                 ["同舟物流", "物流运输", "上海", "刘洋", "021-5088-9012"],
                 ["青禾餐饮管理", "员工食堂", "南京", "赵敏", "025-8460-3456"]]
    make_xlsx(OUT / "供应商名录.xlsx", {"名录": suppliers})
    sales = {"Revenue": [["Region", "Q1", "Q2", "Q3", "Q4"], ["North", 1.2, 1.4, 1.5, 1.9], ["South", 0.8, 0.9, 1.1, 1.0],
                         ["West", 2.1, 2.0, 2.4, 2.7], ["East", 1.6, 1.7, 1.6, 1.8]],
             "Headcount": [["Region", "Sales reps", "Manager"], ["North", 12, "Alice Moreau"], ["South", 8, "Ben Okafor"],
                           ["West", 15, "Carla Diaz"], ["East", 11, "Deepak Rao"]]}
    make_xlsx(OUT / "Regional Sales 2024.xlsx", sales)
    with (OUT / "2025年节假日安排.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerows([["节日", "放假时间", "天数", "调休上班"], ["元旦", "1月1日", "1", "无"],
                      ["春节", "1月28日至2月4日", "8", "1月26日、2月8日"], ["清明节", "4月4日至6日", "3", "无"],
                      ["劳动节", "5月1日至5日", "5", "4月27日"], ["端午节", "5月31日至6月2日", "3", "无"],
                      ["国庆节、中秋节", "10月1日至8日", "8", "9月28日、10月11日"]])
    with (OUT / "Meeting Rooms.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerows([["Room", "Floor", "Seats", "Equipment"], ["Everest", "5", "20", "Video conferencing, projector"],
                      ["Kilimanjaro", "5", "8", "Screen, whiteboard"], ["Matterhorn", "3", "4", "Phone only"],
                      ["Fuji", "3", "12", "Projector"]])


TEXTS = {
    "报销操作指南.md": "# 报销操作指南\n\n## 提交流程\n\n登录财务系统，选择“费用报销”，上传发票照片并填写费用明细，提交后由直属上级审批。\n\n"
                   "## 发票要求\n\n增值税普通发票须加盖销售方发票专用章；电子发票须打印并注明“已报销”，防止重复报销。\n\n"
                   "## 到账时间\n\n审批通过后，报销款一般在5个工作日内打入员工工资卡。\n",
    "Onboarding Checklist.md": "# Onboarding checklist\n\n## Before day one\n\nThe hiring manager orders a laptop at least five working days before the start date.\n\n"
                               "## First week\n\nThe new hire completes the security course and sets up two-factor authentication on all accounts.\n\n"
                               "## First month\n\nA 30-day check-in meeting with HR reviews goals and any open questions.\n",
    "常见问题.md": "# 常见问题\n\n## 无线网络\n\n办公区无线网络名称为 Corp-Staff，使用域账号登录；访客请连接 Corp-Guest，密码每周一在前台公布。\n\n"
               "## 打印机\n\n每层楼茶水间旁有一台彩色打印机，刷工牌取件。\n\n## 停车\n\n员工停车位需向行政部申请，月租金300元。\n",
    "release-notes-3.2.txt": "Release notes — version 3.2\n\nNew: export reports to PDF from the dashboard.\n"
                             "New: dark theme follows the operating system setting.\n\n"
                             "Fixed: the CSV importer no longer drops rows that contain a quoted line break.\n"
                             "Fixed: login sessions now expire after 12 hours of inactivity instead of 30 days.\n",
    "Incident postmortem.txt": "Postmortem: checkout outage on 14 March\n\nSummary\nCheckout was unavailable for 47 minutes because an expired TLS certificate on the payment gateway was not renewed.\n\n"
                               "Root cause\nThe renewal job failed silently after the certificate authority changed its API.\n\n"
                               "Action items\nAdd monitoring that alerts 30 days before any certificate expires. Owner: platform team.\n",
    "周会纪要-2024-03-12.txt": "产品部周会纪要\n时间：2024年3月12日\n\n一、进度\n移动端新版本推迟到4月15日发布，原因是支付模块的第三方接口联调未完成。\n\n"
                            "二、决定\n下季度起需求评审会改为每周三下午举行。\n\n三、待办\n李娜负责在3月20日前完成竞品分析报告。\n",
}


def build_texts() -> None:
    for name, text in TEXTS.items():
        (OUT / name).write_text(text, encoding="utf-8")
    duty = ("值班安排（2025年第一季度）\n\n周六值班：张伟，值班电话分机8021。\n周日值班：李强，值班电话分机8022。\n\n"
            "节假日值班须提前一周在OA系统登记，值班当天享受200元值班补贴。\n")
    (OUT / "值班安排.txt").write_bytes(duty.encode("gb18030"))  # a GBK file, as Windows editors save them


PDF_SOURCES = {
    "会议室使用规定": [
        ("h1", "会议室使用规定"), ("p", "会议室须通过OA系统提前预订，最多可提前两周预订，单次使用时间不超过4小时。"),
        ("p", "会议结束后请关闭投影仪和空调，并将桌椅恢复原位。"), ("pagebreak", ""),
        ("h1", "违规处理"), ("p", "预订后未使用且未提前取消累计三次的，暂停该员工一个月的预订权限。"),
    ],
    "Travel Insurance Summary": [
        ("h1", "Travel insurance summary"), ("p", "All employees on business travel are covered by the group travel policy from the moment they leave home."),
        ("p", "Emergency medical expenses are covered up to 500,000 euros per trip."), ("pagebreak", ""),
        ("h1", "Lost luggage"), ("p", "Lost or delayed luggage is covered up to 1,500 euros; delays must exceed 6 hours."),
        ("p", "Claims must be filed with the insurer within 28 days of returning."),
    ],
    "质量手册": [
        ("h1", "质量手册 第一部分"), ("p", "本公司质量方针：以客户为中心，持续改进，零缺陷交付。"), ("pagebreak", ""),
        ("h1", "不合格品控制"), ("p", "发现不合格品时，检验员应立即贴红色标签隔离，并在24小时内填写不合格品报告单。"),
        ("p", "不合格品经评审后可返工、让步接收或报废，报废须经质量经理批准。"),
    ],
}


def build_pdfs() -> None:
    import docx
    from docx.enum.text import WD_BREAK

    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for stem, items in PDF_SOURCES.items():
            doc = docx.Document()
            for kind, text in items:
                if kind == "h1":
                    doc.add_heading(text, level=1)
                elif kind == "pagebreak":
                    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                else:
                    doc.add_paragraph(text)
            path = Path(tmp) / f"{stem}.docx"
            doc.save(str(path))
            sources.append(str(path))
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(OUT), *sources],
                       check=True, capture_output=True, timeout=300)


SHARED = ["docx/hdr-header-footer.docx", "pptx/tbl-cell.pptx", "pptx/txt-text.pptx", "xlsx/inventory-table.xlsx",
          "xlsx/temperature-table.xlsx", "xlsx/any_sheets.ods", "xlsx/issues.xls"]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, items in DOCX.items():
        make_docx(OUT / name, items)
    for name, slides in PPTX.items():
        make_pptx(OUT / name, slides)
    build_sheets()
    build_texts()
    build_pdfs()
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2].parent / "shared" / "corpus"
    for rel in SHARED:
        shutil.copy(shared / rel, OUT / Path(rel).name)


if __name__ == "__main__":
    main()
