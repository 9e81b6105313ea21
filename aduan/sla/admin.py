from django.contrib import admin

from .models import Holiday, Notification, SlaPolicy, WorkingCalendar


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "working_days", "start_time", "end_time", "is_24_7",
                    "include_cuti_bersama"]
    inlines = [HolidayInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "is_day_off", "calendar"]
    list_filter = ["calendar", "kind", "is_day_off"]
    date_hierarchy = "date"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "category_code", "urgency", "calendar", "first_response",
                    "next_response", "resolution", "warn_before", "escalation_grace"]
    list_filter = ["calendar", "urgency"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "complaint_id", "text", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
