app_name = "formation"

urlpatterns = []
