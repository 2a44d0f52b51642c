"""Documents generated from the code (ER diagram, Postman collection), so that they cannot
drift from the schema and the API they describe."""
