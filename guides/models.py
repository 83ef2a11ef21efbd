"""The guides app's models: commission rules, commissions and claims (rules.md section 4)."""
