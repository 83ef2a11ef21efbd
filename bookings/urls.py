"""Portal pages of the bookings app (included at the site root)."""

from django.urls import path

from bookings.views import hq, shop, shop_steps, store

urlpatterns = [
    # consumers: book a visit, step by step (the choices so far travel in the query string)
    path("book/", shop_steps.book_service, name="book-service"),
    path("book/store/", shop_steps.book_store, name="book-store"),
    path("book/slots/", shop_steps.book_slots, name="book-slots"),
    path("book/confirm/", shop_steps.book_confirm, name="book-confirm"),
    # consumers: their bookings
    path("bookings/", shop.booking_list, name="shop-booking-list"),
    path("bookings/<int:booking_id>/", shop.booking_detail, name="shop-booking-detail"),
    path("bookings/<int:booking_id>/cancel/", shop.booking_cancel, name="shop-booking-cancel"),
    path("bookings/<int:booking_id>/reschedule/", shop.booking_reschedule, name="shop-booking-reschedule"),
    # a walk-in: what the store's QR code targets
    path("stores/<int:store_id>/visit/", shop.store_walk_in, name="shop-store-visit"),
    # the store's day, and one booking of the store
    path("store/today/", store.store_today, name="store-today"),
    path(
        "store/today/bookings/<int:booking_id>/check-in/", store.store_booking_check_in, name="store-booking-check-in"
    ),
    path("store/today/bookings/<int:booking_id>/no-show/", store.store_booking_no_show, name="store-booking-no-show"),
    path("store/bookings/<int:booking_id>/", store.store_booking_detail, name="store-booking-detail"),
    path("store/bookings/<int:booking_id>/action/", store.store_booking_action, name="store-booking-action"),
    # HQ
    path("hq/bookings/", hq.hq_booking_list, name="hq-booking-list"),
    path("hq/bookings/<int:booking_id>/", hq.hq_booking_detail, name="hq-booking-detail"),
    path("hq/bookings/<int:booking_id>/action/", hq.hq_booking_action, name="hq-booking-action"),
]
