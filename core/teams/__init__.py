"""Teams coordinating joint workdays (issue 7): pure rules and the store port."""
