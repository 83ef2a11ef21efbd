"""Signals the shared kernel sends for the higher apps to listen to."""

from django.dispatch import Signal

# A consumer signed up in a brand: kwargs tenant, user. The members app creates the membership.
consumer_signed_up = Signal()
