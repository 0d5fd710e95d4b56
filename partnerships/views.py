from django.shortcuts import render


def partner_list(request):
    return render(request, "partnerships/partner_list.html")


def program_list(request):
    return render(request, "partnerships/program_list.html")
