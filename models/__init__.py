"""Domain model of Samplan: tables, database access, rules. Never imports Streamlit."""
