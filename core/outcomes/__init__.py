"""What a course achieved: outcome forms and when they are due (``windows``), the patient's record of them,
and the clinic's outcome figures. Plain Python, like the rest of core."""
