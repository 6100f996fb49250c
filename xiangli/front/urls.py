app_name = "front"
urlpatterns: list = []
