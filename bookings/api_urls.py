"""API routes of the bookings app, under /api/v1/."""

from django.urls import path

from bookings import api

urlpatterns = [
    path("stores/<int:store_id>/slots/", api.StoreSlotsApi.as_view(), name="store-slots"),
    path("stores/<int:store_id>/walk-ins/", api.StoreWalkInApi.as_view(), name="store-walk-ins"),
    path("bookings/", api.BookingListApi.as_view(), name="booking-list"),
    path("bookings/check-in/", api.BookingCheckInByCodeApi.as_view(), name="booking-check-in-by-code"),
    path("bookings/<int:booking_id>/", api.BookingDetailApi.as_view(), name="booking-detail"),
    path("bookings/<int:booking_id>/cancel/", api.BookingCancelApi.as_view(), name="booking-cancel"),
    path("bookings/<int:booking_id>/reschedule/", api.BookingRescheduleApi.as_view(), name="booking-reschedule"),
    path("bookings/<int:booking_id>/check-in/", api.BookingCheckInApi.as_view(), name="booking-check-in"),
    path("bookings/<int:booking_id>/no-show/", api.BookingNoShowApi.as_view(), name="booking-no-show"),
]
