# SPDX-License-Identifier: GPL-2.0-or-later
# OPTIONAL MATCH, null handling and missing properties over incomplete records:
# traders without an address or a TIN, persons without a phone or a passport.
Feature: Optional and incomplete records

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (t1:Trader {name: 'Acme', tin: 'T001'}), (t2:Trader {name: 'Borealis', tin: 'T002'}),
             (t3:Trader {name: 'Cobalt', tin: 'T003'}), (t4:Trader {name: 'Delta'}),
             (a1:Address {street: '1 Dock Rd', city: 'Rotterdam'}),
             (t1)-[:REGISTERED_AT]->(a1), (t2)-[:REGISTERED_AT]->(a1),
             (p1:Person {name: 'Anna', passport: 'P100'}), (p2:Person {name: 'Boris'}),
             (p3:Person {name: 'Carla', passport: 'P300'}),
             (ph:Phone {number: '555'}), (p1)-[:USES_PHONE]->(ph),
             (p1)-[:DIRECTOR_OF]->(t1), (p2)-[:DIRECTOR_OF]->(t3)
      """

  Scenario: Every trader with its address, if any
    When executing query:
      """
      MATCH (t:Trader)
      OPTIONAL MATCH (t)-[:REGISTERED_AT]->(a:Address)
      RETURN t.name, a.street
      """
    Then the result should be, in any order:
      | t.name     | a.street    |
      | 'Acme'     | '1 Dock Rd' |
      | 'Borealis' | '1 Dock Rd' |
      | 'Cobalt'   | null        |
      | 'Delta'    | null        |
    And no side effects

  Scenario: Persons without a phone
    When executing query:
      """
      MATCH (p:Person)
      OPTIONAL MATCH (p)-[:USES_PHONE]->(ph:Phone)
      WITH p, ph
      WHERE ph IS NULL
      RETURN p.name
      """
    Then the result should be, in any order:
      | p.name  |
      | 'Boris' |
      | 'Carla' |
    And no side effects

  Scenario: Traders without a TIN
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.tin IS NULL
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name  |
      | 'Delta' |
    And no side effects

  Scenario: A default for a missing passport
    When executing query:
      """
      MATCH (p:Person)
      RETURN p.name, coalesce(p.passport, 'unknown') AS passport
      """
    Then the result should be, in any order:
      | p.name  | passport  |
      | 'Anna'  | 'P100'    |
      | 'Boris' | 'unknown' |
      | 'Carla' | 'P300'    |
    And no side effects

  Scenario: Counting optional directors gives zero for none
    When executing query:
      """
      MATCH (t:Trader)
      OPTIONAL MATCH (t)<-[:DIRECTOR_OF]-(p:Person)
      RETURN t.name, count(p) AS directors
      """
    Then the result should be, in any order:
      | t.name     | directors |
      | 'Acme'     | 1         |
      | 'Borealis' | 0         |
      | 'Cobalt'   | 1         |
      | 'Delta'    | 0         |
    And no side effects

  Scenario: An optional match on an absent label gives one null row
    When executing query:
      """
      OPTIONAL MATCH (s:Seizure)
      RETURN s
      """
    Then the result should be, in any order:
      | s    |
      | null |
    And no side effects

  Scenario: An optional chain fails as a whole
    When executing query:
      """
      MATCH (p:Person)
      OPTIONAL MATCH (p)-[:DIRECTOR_OF]->(t:Trader)-[:REGISTERED_AT]->(a:Address)
      RETURN p.name, t.name, a.city
      """
    Then the result should be, in any order:
      | p.name  | t.name | a.city      |
      | 'Anna'  | 'Acme' | 'Rotterdam' |
      | 'Boris' | null   | null        |
      | 'Carla' | null   | null        |
    And no side effects

  Scenario: A WHERE on an optional match keeps the outer rows
    When executing query:
      """
      MATCH (t:Trader)
      OPTIONAL MATCH (t)-[:REGISTERED_AT]->(a:Address)
      WHERE a.city = 'Antwerp'
      RETURN t.name, a
      """
    Then the result should be, in any order:
      | t.name     | a    |
      | 'Acme'     | null |
      | 'Borealis' | null |
      | 'Cobalt'   | null |
      | 'Delta'    | null |
    And no side effects

  Scenario: collect skips nulls, count(*) does not
    When executing query:
      """
      MATCH (t:Trader)
      OPTIONAL MATCH (t)-[:REGISTERED_AT]->(a:Address)
      RETURN collect(a.street) AS streets, count(*) AS rows
      """
    Then the result should be, in any order:
      | streets                    | rows |
      | ['1 Dock Rd', '1 Dock Rd'] | 4    |
    And no side effects

  Scenario: An unmatched optional relationship is null
    When executing query:
      """
      MATCH (p:Person {name: 'Boris'})
      OPTIONAL MATCH (p)-[r:USES_PHONE]->(ph)
      RETURN p.name, r, ph.number
      """
    Then the result should be, in any order:
      | p.name  | r    | ph.number |
      | 'Boris' | null | null      |
    And no side effects

  Scenario: The keys of an incomplete record
    When executing query:
      """
      MATCH (p:Person {name: 'Boris'})
      RETURN keys(p) AS k
      """
    Then the result should be, in any order:
      | k        |
      | ['name'] |
    And no side effects

  Scenario: count of a property counts only the present ones
    When executing query:
      """
      MATCH (p:Person)
      RETURN count(p.passport) AS withPassport, count(*) AS total
      """
    Then the result should be, in any order:
      | withPassport | total |
      | 2            | 3     |
    And no side effects

  Scenario: Comparing with a missing property is null, so the row is dropped
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.tin <> 'T001'
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name     |
      | 'Borealis' |
      | 'Cobalt'   |
    And no side effects

  Scenario: Incomplete records flagged with CASE
    When executing query:
      """
      MATCH (t:Trader)
      OPTIONAL MATCH (t)-[:REGISTERED_AT]->(a)
      RETURN t.name AS name,
             CASE WHEN t.tin IS NULL OR a IS NULL THEN 'incomplete' ELSE 'ok' END AS status
      ORDER BY name
      """
    Then the result should be, in order:
      | name       | status       |
      | 'Acme'     | 'ok'         |
      | 'Borealis' | 'ok'         |
      | 'Cobalt'   | 'incomplete' |
      | 'Delta'    | 'incomplete' |
    And no side effects
