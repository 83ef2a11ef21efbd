"""The attribution app's handlers of the lower apps' domain events (o2o.events): each booking made,
store visit and order placed becomes a conversion, its person's visitor ids stitched to them."""
