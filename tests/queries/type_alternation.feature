# SPDX-License-Identifier: GPL-2.0-or-later
# Relationship type alternation when one of the alternatives has never been
# used in the database (first found failing: the match stopped at the
# unknown type and returned nothing).
Feature: Type alternation with a type nobody has used

  Scenario: An unused first alternative does not hide the second
    Given an empty graph
    And having executed:
      """
      CREATE (a:Trader {name: 'Acme'})-[:OWNS]->(:Company {name: 'Acme Shipping'}),
             (a)-[:DIRECTOR_OF]->(:Company {name: 'Acme Holdings'})
      """
    When executing query:
      """
      MATCH (:Trader {name: 'Acme'})-[:CONTROLS|OWNS|DIRECTOR_OF]->(c:Company)
      RETURN c.name AS company
      """
    Then the result should be, in any order:
      | company         |
      | 'Acme Shipping' |
      | 'Acme Holdings' |
    And no side effects

  Scenario: The same through a breadth-first count
    Given an empty graph
    And having executed:
      """
      CREATE (a:Trader {name: 'Acme'})-[:OWNS]->(:Company {name: 'Acme Shipping'})-[:OWNS]->(:Company {name: 'Sub'})
      """
    When executing query:
      """
      MATCH (:Trader {name: 'Acme'})-[:CONTROLS|OWNS*1..2]->(c:Company)
      RETURN count(DISTINCT c) AS n
      """
    Then the result should be, in any order:
      | n |
      | 2 |
    And no side effects
