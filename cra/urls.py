app_name = "cra"

urlpatterns = []
