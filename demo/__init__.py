"""The demo university: a deterministic synthetic extract of a registrar's AIS.

`write_demo` simulates an agrarian-technical university in Kazakhstan, term by term,
over the last `years` academic years (the last one is 2025-2026) and writes one CSV per
file of the extract contract. It exists so that the warehouse, the dashboards and the
benchmarks have realistic data to run on without any real person in it.

How the simulation keeps the files consistent with each other:
- every change of a student's status, course, programme, funding or group is a
  rector's order, so replaying orders.csv (by effective date, order date, order number)
  gives exactly the status and attributes in students.csv on the extract date;
- grades follow the credit technology (registrar rules A2, B2-B4): admission rating
  from РК1/РК2, exam, FX retakes in the same session, re-study of failures in the
  summer term, promotion on the year's GPA;
- cohorts that started before the window are simulated too, so their admission and
  promotion orders exist, but only the window's enrollments and grades are written.

Every threshold, weight and code comes from the seeds and vars through `policy` (demo.rules,
demo.codes); what the university teaches and who studies there is data in demo/data/. The
package imports no pipeline module (extract, registrar, dashboards): `make lint` checks it.

Modules: catalogue (faculties, programmes, disciplines, curricula), people (names, IINs,
teachers, groups), population (students), calendar, grading (scores and their outcome),
sessions, orders (movements of the student body), recognitions, simulation (the year by
year loop), files and writer (the extract files).
"""

from demo.calendar import EXTRACT_DATE, LAST_ACADEMIC_YEAR
from demo.codes import REASONS
from demo.writer import write_demo

__all__ = ["EXTRACT_DATE", "LAST_ACADEMIC_YEAR", "REASONS", "write_demo"]
