# SPDX-License-Identifier: GPL-2.0-or-later
# Dates (construction, fields, arithmetic, comparison) and scalar and list
# functions as analysts use them on customs records.
Feature: Dates and functions

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (:Seizure {id: 'S1', commodity: 'cocaine', quantity: 12, date: date('2024-03-12'), ref: 'NL-2024-0001'}),
             (:Seizure {id: 'S2', commodity: 'ivory', quantity: 40, date: date('2023-12-30'), ref: 'BE-2023-0417'}),
             (:Seizure {id: 'S3', commodity: 'cocaine', quantity: 30, date: date('2024-02-29'), ref: 'NL-2024-0002'}),
             (:Person {name: ' Anna Berg ', passport: 'GB 123 456'})
      """

  Scenario: Date fields
    When executing query:
      """
      MATCH (s:Seizure {id: 'S1'})
      RETURN s.date.year AS y, s.date.month AS m, s.date.day AS d, s.date.dayOfWeek AS dow
      """
    Then the result should be, in any order:
      | y    | m | d  | dow |
      | 2024 | 3 | 12 | 2   |
    And no side effects

  Scenario: A date built from a map equals the parsed date
    When executing query:
      """
      MATCH (s:Seizure {id: 'S1'})
      RETURN s.date = date({year: 2024, month: 3, day: 12}) AS same
      """
    Then the result should be, in any order:
      | same |
      | true |
    And no side effects

  Scenario: Adding days to a seizure date
    When executing query:
      """
      MATCH (s:Seizure {id: 'S1'})
      RETURN s.date + duration({days: 20}) AS deadline
      """
    Then the result should be, in any order:
      | deadline     |
      | '2024-04-01' |
    And no side effects

  Scenario: Adding days across a year end
    When executing query:
      """
      MATCH (s:Seizure {id: 'S2'})
      RETURN s.date + duration({days: 3}) AS next
      """
    Then the result should be, in any order:
      | next         |
      | '2024-01-02' |
    And no side effects

  Scenario: Days between two dates
    When executing query:
      """
      RETURN duration.between(date('2024-03-12'), date('2024-03-15')).days AS days
      """
    Then the result should be, in any order:
      | days |
      | 3    |
    And no side effects

  Scenario: Earliest and latest seizure dates
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN min(s.date) AS first, max(s.date) AS last
      """
    Then the result should be, in any order:
      | first        | last         |
      | '2023-12-30' | '2024-03-12' |
    And no side effects

  Scenario: A date as a string
    When executing query:
      """
      MATCH (s:Seizure {id: 'S3'})
      RETURN toString(s.date) AS d
      """
    Then the result should be, in any order:
      | d            |
      | '2024-02-29' |
    And no side effects

  Scenario: Seizures from the last 30 days before a reference date
    When executing query:
      """
      MATCH (s:Seizure)
      WHERE s.date > date('2024-03-15') - duration({days: 30})
      RETURN s.id
      ORDER BY s.id
      """
    Then the result should be, in order:
      | s.id |
      | 'S1' |
      | 'S3' |
    And no side effects

  Scenario: Splitting a case reference
    When executing query:
      """
      MATCH (s:Seizure {id: 'S2'})
      RETURN split(s.ref, '-') AS parts
      """
    Then the result should be, in any order:
      | parts                    |
      | ['BE', '2023', '0417']   |
    And no side effects

  Scenario: Country prefix and sequence number of a reference
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN substring(s.ref, 0, 2) AS country, toInteger(substring(s.ref, 8)) AS seq
      ORDER BY seq
      """
    Then the result should be, in order:
      | country | seq |
      | 'NL'    | 1   |
      | 'NL'    | 2   |
      | 'BE'    | 417 |
    And no side effects

  Scenario: Normalising a passport number
    When executing query:
      """
      MATCH (p:Person)
      RETURN trim(p.name) AS name, replace(p.passport, ' ', '') AS passport
      """
    Then the result should be, in any order:
      | name        | passport   |
      | 'Anna Berg' | 'GB123456' |
    And no side effects

  Scenario: Seizures per reference country
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN left(s.ref, 2) AS country, count(*) AS n
      ORDER BY country
      """
    Then the result should be, in order:
      | country | n |
      | 'BE'    | 1 |
      | 'NL'    | 2 |
    And no side effects

  Scenario: Slicing an ordered list of quantities
    When executing query:
      """
      MATCH (s:Seizure)
      WITH s ORDER BY s.quantity DESC
      WITH collect(s.quantity) AS q
      RETURN q[0] AS top, q[1..] AS rest, size(q) AS n
      """
    Then the result should be, in any order:
      | top | rest     | n |
      | 40  | [30, 12] | 3 |
    And no side effects

  Scenario: A list comprehension with a filter and a projection
    When executing query:
      """
      RETURN [x IN range(1, 5) WHERE x % 2 = 0 | x * x] AS squares
      """
    Then the result should be, in any order:
      | squares |
      | [4, 16] |
    And no side effects

  Scenario: A map projection and the number of properties
    When executing query:
      """
      MATCH (s:Seizure {id: 'S2'})
      RETURN s {.id, .quantity} AS p, size(keys(properties(s))) AS k
      """
    Then the result should be, in any order:
      | p                        | k |
      | {id: 'S2', quantity: 40} | 5 |
    And no side effects

  Scenario: Nodes counted per label
    When executing query:
      """
      MATCH (n)
      RETURN labels(n)[0] AS label, count(*) AS n
      ORDER BY label
      """
    Then the result should be, in order:
      | label     | n |
      | 'Person'  | 1 |
      | 'Seizure' | 3 |
    And no side effects

  Scenario: Median seizure quantity
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN percentileDisc(s.quantity, 0.5) AS median
      """
    Then the result should be, in any order:
      | median |
      | 30     |
    And no side effects

  Scenario: Float arithmetic on quantities
    When executing query:
      """
      MATCH (s:Seizure {id: 'S1'})
      RETURN s.quantity / 8 AS whole, s.quantity / 8.0 AS exact, round(s.quantity / 8.0) AS rounded, abs(-s.quantity) AS a
      """
    Then the result should be, in any order:
      | whole | exact | rounded | a  |
      | 1     | 1.5   | 2.0     | 12 |
    And no side effects

  Scenario: One year after a leap day
    When executing query:
      """
      MATCH (s:Seizure {id: 'S3'})
      RETURN s.date + duration({years: 1}) AS anniversary
      """
    Then the result should be, in any order:
      | anniversary  |
      | '2025-02-28' |
    And no side effects

  Scenario: One month before the end of March
    When executing query:
      """
      RETURN date('2024-03-31') - duration({months: 1}) AS d
      """
    Then the result should be, in any order:
      | d            |
      | '2024-02-29' |
    And no side effects
