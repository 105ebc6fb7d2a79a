"""Every write, one module per entity: each service is a named, typed function that locks its
row, checks permission and state, changes it, audits it, and calls its side effects at its end
(they leave on commit). A transition runs through `base.run`, which asks its flow."""
