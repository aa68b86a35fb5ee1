from django.db import models
from django.db.models import Max


class MunicipalityQuerySet(models.QuerySet):
    def in_pilot(self, pilot):
        """The pilot's member municipalities."""
        return self.filter(memberships__pilot=pilot)


class ClientStatisticQuerySet(models.QuerySet):
    def for_pilot(self, pilot):
        return self.filter(municipality__memberships__pilot=pilot)

    def of_measure(self, measure):
        return self.filter(measure=measure)

    def on(self, date):
        return self.filter(date=date)

    def latest_date(self):
        return self.aggregate(latest=Max("date"))["latest"]
