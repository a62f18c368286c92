from django.urls import path

from guides import views
from guides.feeds import LatestGuidesFeed

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("feed.xml", LatestGuidesFeed(), name="feed"),
    path("topic/<slug:topic_slug>/", views.guide_list, name="topic"),
    path("self-check/spravato/", views.spravato_self_check, name="spravato_self_check"),
    path("<slug:slug>/", views.guide_detail, name="detail"),
]
