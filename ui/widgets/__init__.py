"""Parts shared by several pages: feedback lines, vitals entry, alerts, side effects."""
