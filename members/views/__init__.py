"""Portal pages of the members app, one module per portal: HQ's member list (`hq`), the store's
(`store`, masked exactly as the API), and the consumer's own membership (`shop`)."""
