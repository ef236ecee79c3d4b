"""Strings of the portal base layout and of core/members (choices, validation messages) that portal pages show.

Listing them here lets `makemessages` keep their English in the portal catalogue, so the portal
is fully English after the language switch even before the project-wide catalogue covers them.
"""

from django.utils.translation import gettext_noop

SHARED_MSGIDS = [
    # templates/portal_base.html (outside the app, so makemessages here would not see it)
    gettext_noop("会员证"),
    gettext_noop("我的"),
    gettext_noop("工会是职工之家"),
    gettext_noop("登录"),
    gettext_noop("个人信息处理告知"),
    # core and members
    gettext_noop("网约送餐"),
    gettext_noop("快递物流"),
    gettext_noop("货车司机"),
    gettext_noop("网约车"),
    gettext_noop("其他平台灵活就业"),
    gettext_noop("劳动关系"),
    gettext_noop("不完全符合确立劳动关系"),
    gettext_noop("依托平台自主经营"),
    gettext_noop("正常"),
    gettext_noop("接转中"),
    gettext_noop("暂停"),
    gettext_noop("失效"),
    gettext_noop("已退会"),
    gettext_noop("未通过"),
    gettext_noop("单位入会"),
    gettext_noop("个体入会"),
    gettext_noop("请填写姓名"),
    gettext_noop("姓名太长了"),
    gettext_noop("请选择工作所在街镇"),
    gettext_noop("找不到这个街镇代码"),
    gettext_noop("平台上还没有这家企业"),
    gettext_noop("找不到这个站点编码"),
    gettext_noop("入会前需要阅读并同意隐私告知"),
    gettext_noop("请填写身份证号码"),
    gettext_noop("身份证号码应为18位，您填写了%(count)d位"),
    gettext_noop("身份证号码只能包含数字，最后一位可以是X"),
    gettext_noop("身份证号码校验位不正确，请核对后重新填写"),
    gettext_noop("身份证号码中的出生日期不存在"),
    gettext_noop("身份证号码中的出生日期晚于今天"),
    gettext_noop("按身份证号码计算年龄为%(age)d岁，不在%(low)d至%(high)d岁的劳动年龄范围内"),
    gettext_noop("请填写手机号码"),
    gettext_noop("手机号码只能包含数字"),
    gettext_noop("手机号码应为11位，您填写了%(count)d位"),
    gettext_noop("这不是一个有效的手机号码"),
    gettext_noop("姓名与身份证号码登记的信息不一致"),
    gettext_noop("这里应填写文字"),
    gettext_noop("含有无法识别的字符"),
    gettext_noop("不能包含控制字符"),
    gettext_noop("新手机号与原手机号相同"),
    gettext_noop("该劳动者已撤回同意，个人信息已删除"),
    gettext_noop("会籍当前状态为“%(status)s”，不能执行此操作"),
    gettext_noop("这名会员已有一笔待接收的接转"),
    gettext_noop("会籍状态为“%(status)s”，不能接转"),
    gettext_noop("转入工会与当前所在工会相同"),
    gettext_noop("转入工会已撤销"),
    gettext_noop("请填写退会原因"),
]
