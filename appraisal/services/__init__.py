"""Every write to the appraisal models goes through a function of this package."""
