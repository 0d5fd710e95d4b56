from django import template

from insights.dashboard import dashboard
from insights.permissions import may_read_dashboard

register = template.Library()


@register.inclusion_tag("admin/insights/_charts.html", takes_context=True)
def insights_dashboard(context):
    """The dashboard's charts for the person reading the admin index (nothing for anyone else)."""
    user = context["request"].user
    return {"charts": dashboard(user) if may_read_dashboard(user) else []}


@register.inclusion_tag("admin/insights/_chart.html")
def bar_chart(chart):
    return {"chart": chart, "geometry": chart.geometry()}
