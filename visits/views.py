from django.shortcuts import render


def visit_list(request):
    return render(request, "visits/visit_list.html")
