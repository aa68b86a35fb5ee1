from django.db import models


class StaffingPlanQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status="approved")


class AllocationQuerySet(models.QuerySet):
    def in_plan(self, plan):
        return self.filter(plan=plan)
