# SPDX-License-Identifier: GPL-2.0-or-later
# Ordering, paging, grouping and UNWIND over a small trader register.
Feature: Ordering, paging, aggregation and UNWIND

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', name: 'Acme', risk: 72, country: 'NL'}),
             (:Trader {tin: 'T2', name: 'Borealis', risk: 35, country: 'BE'}),
             (:Trader {tin: 'T3', name: 'Cobalt', risk: 90, country: 'NL'}),
             (:Trader {tin: 'T4', name: 'Delta', risk: 35, country: 'DE'}),
             (:Trader {tin: 'T5', name: 'Echo', country: 'BE'})
      """

  Scenario: Highest risk first, nulls excluded
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.risk IS NOT NULL
      RETURN t.name, t.risk
      ORDER BY t.risk DESC
      LIMIT 2
      """
    Then the result should be, in order:
      | t.name   | t.risk |
      | 'Cobalt' | 90     |
      | 'Acme'   | 72     |
    And no side effects

  Scenario: A missing risk sorts first when descending
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.name, t.risk
      ORDER BY t.risk DESC
      LIMIT 2
      """
    Then the result should be, in order:
      | t.name   | t.risk |
      | 'Echo'   | null   |
      | 'Cobalt' | 90     |
    And no side effects

  Scenario: Ascending with a tie broken by name, null last
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.name, t.risk
      ORDER BY t.risk, t.name
      """
    Then the result should be, in order:
      | t.name     | t.risk |
      | 'Borealis' | 35     |
      | 'Delta'    | 35     |
      | 'Acme'     | 72     |
      | 'Cobalt'   | 90     |
      | 'Echo'     | null   |
    And no side effects

  Scenario: A page of the register
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.tin
      ORDER BY t.tin
      SKIP 1
      LIMIT 2
      """
    Then the result should be, in order:
      | t.tin |
      | 'T2'  |
      | 'T3'  |
    And no side effects

  Scenario: Skipping past the end gives nothing
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.tin
      ORDER BY t.tin
      SKIP 10
      """
    Then the result should be empty
    And no side effects

  Scenario: Traders per country
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.country AS country, count(*) AS n
      ORDER BY n DESC, country
      """
    Then the result should be, in order:
      | country | n |
      | 'BE'    | 2 |
      | 'NL'    | 2 |
      | 'DE'    | 1 |
    And no side effects

  Scenario: Average risk per country ignores missing values
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.country AS country, avg(t.risk) AS risk
      """
    Then the result should be, in any order:
      | country | risk |
      | 'NL'    | 81.0 |
      | 'BE'    | 35.0 |
      | 'DE'    | 35.0 |
    And no side effects

  Scenario: Looking up a list of TINs
    When executing query:
      """
      UNWIND ['T1', 'T3', 'T9'] AS tin
      MATCH (t:Trader {tin: tin})
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name   |
      | 'Acme'   |
      | 'Cobalt' |
    And no side effects

  Scenario: Looking up a list of TINs, keeping the unknown ones
    When executing query:
      """
      UNWIND ['T1', 'T9'] AS tin
      OPTIONAL MATCH (t:Trader {tin: tin})
      RETURN tin, t.name
      """
    Then the result should be, in any order:
      | tin  | t.name |
      | 'T1' | 'Acme' |
      | 'T9' | null   |
    And no side effects

  Scenario: UNWIND of a range
    When executing query:
      """
      UNWIND range(1, 3) AS i
      RETURN i * 10 AS x
      """
    Then the result should be, in order:
      | x  |
      | 10 |
      | 20 |
      | 30 |
    And no side effects

  Scenario: UNWIND of a collected list
    When executing query:
      """
      MATCH (t:Trader)
      WITH collect(t.country) AS cs
      UNWIND cs AS c
      RETURN DISTINCT c
      """
    Then the result should be, in any order:
      | c    |
      | 'NL' |
      | 'BE' |
      | 'DE' |
    And no side effects

  Scenario: UNWIND of an empty list
    When executing query:
      """
      UNWIND [] AS x
      RETURN x
      """
    Then the result should be empty
    And no side effects

  Scenario: Top three by risk collected in order
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.risk IS NOT NULL
      WITH t
      ORDER BY t.risk DESC, t.name
      LIMIT 3
      RETURN collect(t.name) AS top
      """
    Then the result should be, in any order:
      | top                            |
      | ['Cobalt', 'Acme', 'Borealis'] |
    And no side effects

  Scenario: Distinct countries in order
    When executing query:
      """
      MATCH (t:Trader)
      RETURN DISTINCT t.country AS c
      ORDER BY c
      """
    Then the result should be, in order:
      | c    |
      | 'BE' |
      | 'DE' |
      | 'NL' |
    And no side effects

  Scenario: Nested UNWIND and sum
    When executing query:
      """
      UNWIND [[1, 2], [3]] AS l
      UNWIND l AS x
      RETURN sum(x) AS total
      """
    Then the result should be, in any order:
      | total |
      | 6     |
    And no side effects

  Scenario: String predicates on names
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.name STARTS WITH 'B' OR t.name ENDS WITH 'a'
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name     |
      | 'Borealis' |
      | 'Delta'    |
    And no side effects

  Scenario: Ordering by a computed expression
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.name
      ORDER BY size(t.name) DESC, t.name
      LIMIT 1
      """
    Then the result should be, in order:
      | t.name     |
      | 'Borealis' |
    And no side effects

  Scenario: UNWIND of rows with flags joined to the register
    When executing query:
      """
      UNWIND [{tin: 'T1', flag: 'red'}, {tin: 'T4', flag: 'amber'}] AS row
      MATCH (t:Trader {tin: row.tin})
      RETURN t.name, row.flag
      """
    Then the result should be, in any order:
      | t.name  | row.flag |
      | 'Acme'  | 'red'    |
      | 'Delta' | 'amber'  |
    And no side effects

  Scenario: Aggregates over an empty match
    When executing query:
      """
      MATCH (t:Trader {country: 'FR'})
      RETURN count(t) AS n, sum(t.risk) AS total, collect(t.name) AS names, max(t.risk) AS worst
      """
    Then the result should be, in any order:
      | n | total | names | worst |
      | 0 | 0     | []    | null  |
    And no side effects

  Scenario: Map projection of the riskiest trader
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.risk > 80
      RETURN t {.tin, .name} AS trader
      """
    Then the result should be, in any order:
      | trader                       |
      | {tin: 'T3', name: 'Cobalt'}  |
    And no side effects

  Scenario: Risk bands with a list comprehension
    When executing query:
      """
      MATCH (t:Trader)
      WITH collect(t.risk) AS risks
      RETURN [r IN risks WHERE r >= 50] AS high, size(risks) AS known
      """
    Then the result should be (ignoring element order for lists):
      | high     | known |
      | [72, 90] | 4     |
    And no side effects
