from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a campaign reaches people. The B2C marketplace shops (`B2C_CHANNELS`) sell through
    the marketplace: their orders and touchpoints keep their tag and never count in O2O metrics."""

    OWN_SITE = "own_site", _("Own website")
    APP = "app", _("App")
    WECHAT = "wechat", _("WeChat")
    MINI_PROGRAM = "mini_program", _("Mini-program")
    DOUYIN = "douyin", _("Douyin")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    POSTER = "poster", _("Poster and print")
    SMS = "sms", _("SMS")
    GUIDE = "guide", _("Shopping guide")
    TMALL = "tmall", _("Tmall shop")
    JD = "jd", _("JD shop")
    OTHER = "other", _("Other")


B2C_CHANNELS = frozenset({Channel.TMALL, Channel.JD})


class TouchKind(models.TextChoices):
    """What a touchpoint was (rules.md 3.1): a click on a tracking link, a QR scan, or an event a
    client sent carrying a campaign or a link."""

    CLICK = "click", _("Click")
    SCAN = "scan", _("QR scan")
    VIEW = "view", _("View")


class Target(models.TextChoices):
    """Where a tracking link leads."""

    SHOP = "shop", _("The shop's home")
    STORE = "store", _("A store's page")
    PRODUCT = "product", _("A product")
    BOOKING = "booking", _("Booking a service")


class ConversionKind(models.TextChoices):
    BOOKING = "booking", _("Booking")
    VISIT = "visit", _("Store visit")
    ORDER = "order", _("Order")


class StitchSource(models.TextChoices):
    """How a visitor id was found to be a member's (rules.md 3.2)."""

    SIGN_UP = "sign_up", _("Sign-up")
    LOG_IN = "log_in", _("Log-in")
    BOOKING = "booking", _("Booking")
    ORDER = "order", _("Order")
    SCAN = "scan", _("Walk-in scan")
