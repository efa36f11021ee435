"""Rules x evidence -> Assessment: applicability, checks, waivers, baselines and the verdict."""
