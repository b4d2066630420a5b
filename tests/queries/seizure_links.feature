# SPDX-License-Identifier: GPL-2.0-or-later
# Links between traders, persons and seizures: fixed and variable-length
# patterns, DISTINCT, named paths.
Feature: Seizure links

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (t1:Trader {name: 'Acme Imports', tin: 'T001'}),
             (t2:Trader {name: 'Borealis Trading', tin: 'T002'}),
             (t3:Trader {name: 'Cobalt Freight', tin: 'T003'}),
             (t4:Trader {name: 'Delta Goods', tin: 'T004'}),
             (d1:Declaration {ref: 'D1', date: date('2024-03-12'), value: 12000}),
             (d2:Declaration {ref: 'D2', date: date('2024-03-28'), value: 5000}),
             (d3:Declaration {ref: 'D3', date: date('2024-04-02'), value: 8000}),
             (d4:Declaration {ref: 'D4', date: date('2023-11-20'), value: 3000}),
             (d5:Declaration {ref: 'D5', date: date('2024-04-18'), value: 1500}),
             (t1)-[:DECLARED]->(d1), (t1)-[:DECLARED]->(d2), (t2)-[:DECLARED]->(d3),
             (t3)-[:DECLARED]->(d4), (t4)-[:DECLARED]->(d5),
             (s1:Seizure {id: 'S1', commodity: 'cocaine', quantity: 12, date: date('2024-03-15')}),
             (s2:Seizure {id: 'S2', commodity: 'cigarettes', quantity: 5000, date: date('2024-03-30')}),
             (s3:Seizure {id: 'S3', commodity: 'cocaine', quantity: 3, date: date('2024-04-05')}),
             (s4:Seizure {id: 'S4', commodity: 'ivory', quantity: 40, date: date('2023-11-22')}),
             (s5:Seizure {id: 'S5', commodity: 'cigarettes', quantity: 2000, date: date('2024-04-20')}),
             (s1)-[:SEIZED_IN]->(d1), (s2)-[:SEIZED_IN]->(d2), (s3)-[:SEIZED_IN]->(d3), (s4)-[:SEIZED_IN]->(d4),
             (p1:Person {name: 'Anna Berg', passport: 'P100'}),
             (p2:Person {name: 'Boris Kell', passport: 'P200'}),
             (p3:Person {name: 'Carla Diaz', passport: 'P300'}),
             (p2)-[:INVOLVED_IN {role: 'consignee'}]->(s1),
             (p3)-[:INVOLVED_IN {role: 'courier'}]->(s4),
             (p3)-[:INVOLVED_IN {role: 'courier'}]->(s5),
             (p2)-[:INVOLVED_IN {role: 'driver'}]->(s5),
             (p1)-[:DIRECTOR_OF]->(t1), (p2)-[:DIRECTOR_OF]->(t2), (p3)-[:DIRECTOR_OF]->(t4)
      """

  Scenario: Persons involved in seizures, with their role
    When executing query:
      """
      MATCH (p:Person)-[r:INVOLVED_IN]->(s:Seizure)
      RETURN p.name, r.role, s.id
      """
    Then the result should be, in any order:
      | p.name       | r.role      | s.id |
      | 'Boris Kell' | 'consignee' | 'S1' |
      | 'Carla Diaz' | 'courier'   | 'S4' |
      | 'Carla Diaz' | 'courier'   | 'S5' |
      | 'Boris Kell' | 'driver'    | 'S5' |
    And no side effects

  Scenario: Past seizure offenders who direct a trader
    When executing query:
      """
      MATCH (p:Person)-[:INVOLVED_IN]->(:Seizure)
      WITH DISTINCT p
      MATCH (p)-[:DIRECTOR_OF]->(t:Trader)
      RETURN p.name, t.name
      """
    Then the result should be, in any order:
      | p.name       | t.name             |
      | 'Boris Kell' | 'Borealis Trading' |
      | 'Carla Diaz' | 'Delta Goods'      |
    And no side effects

  Scenario: Distinct seizures within two hops of each trader
    When executing query:
      """
      MATCH (t:Trader)-[*1..2]-(s:Seizure)
      RETURN t.tin AS tin, count(DISTINCT s) AS seizures
      ORDER BY tin
      """
    Then the result should be, in order:
      | tin    | seizures |
      | 'T001' | 2        |
      | 'T002' | 3        |
      | 'T003' | 1        |
      | 'T004' | 2        |
    And no side effects

  Scenario: Seizure ids within two hops of each trader
    When executing query:
      """
      MATCH (t:Trader)-[*1..2]-(s:Seizure)
      RETURN t.tin AS tin, collect(DISTINCT s.id) AS ids
      """
    Then the result should be (ignoring element order for lists):
      | tin    | ids                |
      | 'T001' | ['S1', 'S2']       |
      | 'T002' | ['S1', 'S3', 'S5'] |
      | 'T003' | ['S4']             |
      | 'T004' | ['S4', 'S5']       |
    And no side effects

  Scenario: Tracing seizures back to the declaring trader
    When executing query:
      """
      MATCH (s:Seizure)-[:SEIZED_IN]->(:Declaration)<-[:DECLARED]-(t:Trader)
      RETURN s.id, t.tin
      """
    Then the result should be, in any order:
      | s.id | t.tin  |
      | 'S1' | 'T001' |
      | 'S2' | 'T001' |
      | 'S3' | 'T002' |
      | 'S4' | 'T003' |
    And no side effects

  Scenario: Seizures without a declaration
    When executing query:
      """
      MATCH (s:Seizure)
      WHERE NOT (s)-[:SEIZED_IN]->(:Declaration)
      RETURN s.id, s.commodity
      """
    Then the result should be, in any order:
      | s.id | s.commodity  |
      | 'S5' | 'cigarettes' |
    And no side effects

  Scenario: Traders none of whose declarations led to a seizure
    When executing query:
      """
      MATCH (t:Trader)
      WHERE NOT (t)-[:DECLARED]->()<-[:SEIZED_IN]-()
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin  |
      | 'T004' |
    And no side effects

  Scenario: Seizures exactly three hops from a person
    When executing query:
      """
      MATCH (:Person {name: 'Anna Berg'})-[*3]-(s:Seizure)
      RETURN DISTINCT s.id
      """
    Then the result should be, in any order:
      | s.id |
      | 'S1' |
      | 'S2' |
    And no side effects

  Scenario: Traders two to four hops from a suspect
    When executing query:
      """
      MATCH (:Person {name: 'Boris Kell'})-[*2..4]-(t:Trader)
      RETURN DISTINCT t.tin
      """
    Then the result should be, in any order:
      | t.tin  |
      | 'T001' |
      | 'T004' |
    And no side effects

  Scenario: Length of a named path
    When executing query:
      """
      MATCH p = (:Person {name: 'Carla Diaz'})-[:INVOLVED_IN]->(s:Seizure)
      RETURN s.id, length(p) AS hops
      """
    Then the result should be, in any order:
      | s.id | hops |
      | 'S4' | 1    |
      | 'S5' | 1    |
    And no side effects

  Scenario: Co-offenders in the same seizure
    When executing query:
      """
      MATCH (a:Person)-[:INVOLVED_IN]->(s:Seizure)<-[:INVOLVED_IN]-(b:Person)
      WHERE a.name < b.name
      RETURN a.name, b.name, s.id
      """
    Then the result should be, in any order:
      | a.name       | b.name       | s.id |
      | 'Boris Kell' | 'Carla Diaz' | 'S5' |
    And no side effects

  Scenario: Roles counted over all involvements
    When executing query:
      """
      MATCH ()-[r:INVOLVED_IN]->()
      RETURN r.role AS role, count(*) AS n
      ORDER BY role
      """
    Then the result should be, in order:
      | role        | n |
      | 'consignee' | 1 |
      | 'courier'   | 2 |
      | 'driver'    | 1 |
    And no side effects

  Scenario: Directed variable-length pattern from a trader to seizures
    When executing query:
      """
      MATCH (t:Trader {tin: 'T001'})-[:DECLARED]->(d)<-[:SEIZED_IN*1]-(s)
      RETURN d.ref, s.id
      """
    Then the result should be, in any order:
      | d.ref | s.id |
      | 'D1'  | 'S1' |
      | 'D2'  | 'S2' |
    And no side effects

  Scenario: Seizures linked to a director's trader through declarations
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF]->(:Trader)-[:DECLARED]->(:Declaration)<-[:SEIZED_IN]-(s:Seizure)
      RETURN p.name AS name, collect(s.commodity) AS goods
      """
    Then the result should be (ignoring element order for lists):
      | name         | goods                     |
      | 'Anna Berg'  | ['cocaine', 'cigarettes'] |
      | 'Boris Kell' | ['cocaine']               |
    And no side effects

  Scenario: Directors whose trader is linked to a seizure they were also involved in
    When executing query:
      """
      MATCH (p:Person)-[:DIRECTOR_OF]->(t:Trader), (p)-[:INVOLVED_IN]->(s:Seizure)
      RETURN p.name, t.tin, s.id
      """
    Then the result should be, in any order:
      | p.name       | t.tin  | s.id |
      | 'Boris Kell' | 'T002' | 'S1' |
      | 'Boris Kell' | 'T002' | 'S5' |
      | 'Carla Diaz' | 'T004' | 'S4' |
      | 'Carla Diaz' | 'T004' | 'S5' |
    And no side effects
