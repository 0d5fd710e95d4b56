from django import template
from django.urls import reverse
from django.utils.text import capfirst

from insights.dashboard import dashboard
from insights.models import AgreementHealth
from insights.permissions import may_read_annual_report, may_read_dashboard

register = template.Library()


@register.inclusion_tag("admin/insights/_charts.html", takes_context=True)
def insights_dashboard(context):
    """The dashboard's charts for the person reading the admin index (nothing for anyone else)."""
    user = context["request"].user
    if not may_read_dashboard(user):
        return {"charts": []}
    review = {}
    if user.has_perm("insights.view_agreementhealth"):
        review = {
            "url": reverse("admin:insights_agreementhealth_changelist"),
            "label": capfirst(AgreementHealth._meta.verbose_name_plural),
        }
    report_url = reverse("admin:insights_annual_report") if may_read_annual_report(user) else ""
    return {"charts": dashboard(user), "review": review, "report_url": report_url}


@register.inclusion_tag("admin/insights/_chart.html")
def bar_chart(chart):
    return {"chart": chart, "geometry": chart.geometry()}
