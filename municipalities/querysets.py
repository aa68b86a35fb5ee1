from django.db import models
from django.db.models import Max, Q


def in_force_on(date, *, start="start_date", end="end_date"):
    """A condition: the period [start, end] contains the date (an empty bound is open)."""
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": date})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": date})
    )


class PilotQuerySet(models.QuerySet):
    def areas(self):
        return self.filter(kind="area")

    def active_on(self, date):
        """Pilots and areas whose period contains the date (their members' period too)."""
        return self.filter(in_force_on(date))

    def ended_on(self, date):
        """Pilots and areas whose period ended before the date (the 2021–2024 pilots)."""
        return self.filter(end_date__lt=date)

    def current_on(self, date):
        """Pilots and areas not ended on the date: in force, or starting later."""
        return self.exclude(end_date__lt=date)


class MunicipalityQuerySet(models.QuerySet):
    def valid_on(self, date):
        """Municipalities in force on the date (before a merger, or since a new one)."""
        return self.filter(in_force_on(date, start="valid_from", end="valid_to"))

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
