"""Vocabularies of service positions (服务阵地, SPEC §4): kinds, statuses, amenities, problems."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    RELAY_STATION = "relay_station", _("户外职工爱心接力站")
    HEALTH_POINT = "health_point", _("健康服务点")
    WORKER_SERVICE_STATION = "worker_service_station", _("职工服务站")
    UNION_STATION_BUILDING = "union_service_station_building", _("楼宇工会服务站")
    UNION_STATION_BUSINESS_DISTRICT = "union_service_station_business_district", _("商圈工会服务站")
    UNION_STATION_STREET = "union_service_station_street", _("街镇工会服务站")
    UNION_STATION_COMPLEX = "union_service_station_complex", _("园区工会服务站")


class Status(models.TextChoices):
    OPEN = "open", _("正常开放")
    TEMPORARILY_CLOSED = "temporarily_closed", _("暂停开放")
    RETIRED = "retired", _("已撤销")


class Amenity(models.TextChoices):
    # The "6" of the 6+X standard first, then the usual extras.
    AIR_CONDITIONING = "air_conditioning", _("空调")
    FRIDGE = "fridge", _("冰箱")
    MICROWAVE = "microwave", _("微波炉")
    WATER_HEATER = "water_heater", _("饮水机")
    POWER_STRIP = "power_strip", _("插座")
    TABLES_CHAIRS = "tables_chairs", _("桌椅")
    WATER = "water", _("饮用水")
    HOT_WATER = "hot_water", _("热水")
    CHARGING = "charging", _("充电")
    TOILET = "toilet", _("厕所")
    SEATS = "seats", _("休息座位")
    FIRST_AID = "first_aid", _("急救药箱")
    AED = "aed", _("AED")
    UMBRELLA = "umbrella", _("雨伞")
    REPAIR_KIT = "repair_kit", _("维修工具")
    WIFI = "wifi", _("无线网络")


# The six things every relay station must have (the "6" in 6+X).
SIX_BASE = (
    Amenity.AIR_CONDITIONING,
    Amenity.FRIDGE,
    Amenity.MICROWAVE,
    Amenity.WATER_HEATER,
    Amenity.POWER_STRIP,
    Amenity.TABLES_CHAIRS,
)

# Short glyph shown in the round icon next to the label (CSS icons, no emoji, no images); one
# character in Chinese, a short abbreviation in English (the catalogue keeps it to two letters).
AMENITY_GLYPH = {
    "air_conditioning": pgettext_lazy("amenity icon", "凉"),
    "fridge": pgettext_lazy("amenity icon", "冰"),
    "microwave": pgettext_lazy("amenity icon", "热"),
    "water_heater": pgettext_lazy("amenity icon", "饮"),
    "power_strip": pgettext_lazy("amenity icon", "电"),
    "tables_chairs": pgettext_lazy("amenity icon", "桌"),
    "water": pgettext_lazy("amenity icon", "水"),
    "hot_water": pgettext_lazy("amenity icon", "沸"),
    "charging": pgettext_lazy("amenity icon", "充"),
    "toilet": pgettext_lazy("amenity icon", "厕"),
    "seats": pgettext_lazy("amenity icon", "座"),
    "first_aid": pgettext_lazy("amenity icon", "药"),
    "aed": "A",
    "umbrella": pgettext_lazy("amenity icon", "伞"),
    "repair_kit": pgettext_lazy("amenity icon", "修"),
    "wifi": pgettext_lazy("amenity icon", "网"),
}


class ProblemKind(models.TextChoices):
    NONE = "", _("没有问题")
    EQUIPMENT_BROKEN = "equipment_broken", _("设施损坏（如微波炉坏了）")
    CLOSED_DURING_HOURS = "closed_during_hours", _("开放时间内没开门")
    NOT_CLEAN = "not_clean", _("卫生不好")
    SUPPLIES_OUT = "supplies_out", _("饮用水或物品缺少")
    WRONG_INFO = "wrong_info", _("地址或信息有误")
    OTHER = "other", _("其他")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已解决")
    DISMISSED = "dismissed", _("不予处理")
