"""Portal pages of the bookings app (included at the site root)."""

from django.urls import path

from bookings.views import hq, shop, store

urlpatterns = [
    # consumers: book a visit, step by step (the choices so far travel in the query string)
    path("book/", shop.book_service, name="book-service"),
    path("book/store/", shop.book_store, name="book-store"),
    path("book/slots/", shop.book_slots, name="book-slots"),
    path("book/confirm/", shop.book_confirm, name="book-confirm"),
    # consumers: their bookings
    path("bookings/", shop.booking_list, name="shop-booking-list"),
    path("bookings/<int:booking_id>/", shop.booking_detail, name="shop-booking-detail"),
    path("bookings/<int:booking_id>/cancel/", shop.booking_cancel, name="shop-booking-cancel"),
    path("bookings/<int:booking_id>/reschedule/", shop.booking_reschedule, name="shop-booking-reschedule"),
    # a walk-in: what the store's QR code targets
    path("stores/<int:store_id>/visit/", shop.store_walk_in, name="shop-store-visit"),
    # the store's day
    path("store/today/", store.store_today, name="store-today"),
    path(
        "store/today/bookings/<int:booking_id>/check-in/", store.store_booking_check_in, name="store-booking-check-in"
    ),
    path("store/today/bookings/<int:booking_id>/no-show/", store.store_booking_no_show, name="store-booking-no-show"),
    # HQ
    path("hq/bookings/", hq.hq_booking_list, name="hq-booking-list"),
]
