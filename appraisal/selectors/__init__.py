"""The reads behind the pages, one module per topic; each page costs a fixed number of queries
whatever the data size (the query-count tests hold them to it). Nothing here writes."""
