# SPDX-License-Identifier: GPL-2.0-or-later
# Seizures counted per month, per commodity and per trader (date fields,
# count/sum/avg/min/max/collect).
Feature: Seizures by month and commodity

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

  Scenario: Seizures per year and month
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.date.year AS y, s.date.month AS m, count(*) AS n
      ORDER BY y, m
      """
    Then the result should be, in order:
      | y    | m  | n |
      | 2023 | 11 | 1 |
      | 2024 | 3  | 2 |
      | 2024 | 4  | 2 |
    And no side effects

  Scenario: Seizures and quantity per commodity
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.commodity AS commodity, count(s) AS n, sum(s.quantity) AS total
      ORDER BY commodity
      """
    Then the result should be, in order:
      | commodity    | n | total |
      | 'cigarettes' | 2 | 7000  |
      | 'cocaine'    | 2 | 15    |
      | 'ivory'      | 1 | 40    |
    And no side effects

  Scenario: Seizure ids collected per month of 2024
    When executing query:
      """
      MATCH (s:Seizure)
      WHERE s.date.year = 2024
      RETURN s.date.month AS m, collect(s.id) AS ids
      """
    Then the result should be (ignoring element order for lists):
      | m | ids          |
      | 3 | ['S1', 'S2'] |
      | 4 | ['S3', 'S5'] |
    And no side effects

  Scenario: Seizures in a date range, oldest first
    When executing query:
      """
      MATCH (s:Seizure)
      WHERE s.date >= date('2024-03-01') AND s.date < date('2024-04-01')
      RETURN s.id
      ORDER BY s.date
      """
    Then the result should be, in order:
      | s.id |
      | 'S1' |
      | 'S2' |
    And no side effects

  Scenario: A date property is returned as a date
    When executing query:
      """
      MATCH (s:Seizure {id: 'S4'})
      RETURN s.date AS d, s.date.day AS day
      """
    Then the result should be, in any order:
      | d            | day |
      | '2023-11-22' | 22  |
    And no side effects

  Scenario: Largest and smallest seizure per commodity
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.commodity AS c, max(s.quantity) AS most, min(s.quantity) AS least
      """
    Then the result should be, in any order:
      | c            | most | least |
      | 'cigarettes' | 5000 | 2000  |
      | 'cocaine'    | 12   | 3     |
      | 'ivory'      | 40   | 40    |
    And no side effects

  Scenario: Average cocaine seizure
    When executing query:
      """
      MATCH (s:Seizure {commodity: 'cocaine'})
      RETURN avg(s.quantity) AS mean
      """
    Then the result should be, in any order:
      | mean |
      | 7.5  |
    And no side effects

  Scenario: Seizures per declaring trader
    When executing query:
      """
      MATCH (t:Trader)-[:DECLARED]->(:Declaration)<-[:SEIZED_IN]-(s:Seizure)
      RETURN t.name AS name, count(s) AS seizures
      ORDER BY seizures DESC, name
      """
    Then the result should be, in order:
      | name               | seizures |
      | 'Acme Imports'     | 2        |
      | 'Borealis Trading' | 1        |
      | 'Cobalt Freight'   | 1        |
    And no side effects

  Scenario: Declared value per trader and month in 2024
    When executing query:
      """
      MATCH (t:Trader)-[:DECLARED]->(d:Declaration)
      WHERE d.date.year = 2024
      RETURN t.tin AS tin, d.date.month AS m, sum(d.value) AS value
      ORDER BY tin, m
      """
    Then the result should be, in order:
      | tin    | m | value |
      | 'T001' | 3 | 17000 |
      | 'T002' | 4 | 8000  |
      | 'T004' | 4 | 1500  |
    And no side effects

  Scenario: Months whose seized quantity exceeds 100
    When executing query:
      """
      MATCH (s:Seizure)
      WITH s.date.year AS y, s.date.month AS m, sum(s.quantity) AS q
      WHERE q > 100
      RETURN y, m, q
      ORDER BY y, m
      """
    Then the result should be, in order:
      | y    | m | q    |
      | 2024 | 3 | 5012 |
      | 2024 | 4 | 2003 |
    And no side effects

  Scenario: Distinct commodities per month
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.date.year AS y, s.date.month AS m, count(DISTINCT s.commodity) AS kinds
      """
    Then the result should be, in any order:
      | y    | m  | kinds |
      | 2023 | 11 | 1     |
      | 2024 | 3  | 2     |
      | 2024 | 4  | 2     |
    And no side effects

  Scenario: Latest seizure overall
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.id, s.commodity
      ORDER BY s.date DESC
      LIMIT 1
      """
    Then the result should be, in order:
      | s.id | s.commodity  |
      | 'S5' | 'cigarettes' |
    And no side effects

  Scenario: Seizures made after their declaration, with the month of declaration
    When executing query:
      """
      MATCH (s:Seizure)-[:SEIZED_IN]->(d:Declaration)
      WHERE s.date > d.date AND s.date.month = d.date.month
      RETURN s.id, d.ref
      ORDER BY s.id
      """
    Then the result should be, in order:
      | s.id | d.ref |
      | 'S1' | 'D1'  |
      | 'S2' | 'D2'  |
      | 'S3' | 'D3'  |
      | 'S4' | 'D4'  |
    And no side effects

  Scenario: Total seized quantity, all commodities
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN count(*) AS n, sum(s.quantity) AS total, collect(DISTINCT s.date.year) AS years
      """
    Then the result should be (ignoring element order for lists):
      | n | total | years        |
      | 5 | 7055  | [2023, 2024] |
    And no side effects

  Scenario: Seizures per quarter of 2024 with CASE
    When executing query:
      """
      MATCH (s:Seizure)
      WHERE s.date.year = 2024
      RETURN CASE WHEN s.date.month <= 3 THEN 'Q1' ELSE 'Q2' END AS quarter, count(*) AS n
      ORDER BY quarter
      """
    Then the result should be, in order:
      | quarter | n |
      | 'Q1'    | 2 |
      | 'Q2'    | 2 |
    And no side effects
