from django.shortcuts import render


def call_list(request):
    return render(request, "mobility/call_list.html")
