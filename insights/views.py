from django.shortcuts import render

from .network import MAP_HEIGHT, MAP_WIDTH, SHADES, network, world_map


def partner_map(request):
    """The partner network at a glance: headline figures, a world map of partner countries and their table."""
    figures = network()
    return render(
        request,
        "insights/partner_map.html",
        {
            **figures,
            "shapes": world_map(figures["countries"]),
            "shades": SHADES,
            "width": MAP_WIDTH,
            "height": MAP_HEIGHT,
        },
    )
