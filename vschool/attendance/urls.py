"""The attendance pages: the dashboard, a child's marks, suspensions and provision."""

app_name = "attendance"

urlpatterns: list = []
