from django.urls import path

from appraisal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/upload/", views.framework_upload, name="framework_upload"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/lock/", views.framework_lock, name="framework_lock"),
    path("frameworks/<int:pk>/export.<str:fmt>", views.framework_export, name="framework_export"),
    path("organisations/", views.organisation_list, name="organisation_list"),
]
