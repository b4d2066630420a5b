# SPDX-License-Identifier: GPL-2.0-or-later
# Indexes and uniqueness constraints: lookups through an index give the same
# answers as a scan, schema listings, MERGE under a constraint.
Feature: Indexes and constraints

  Scenario: Lookup by TIN through an index
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', name: 'Acme'}), (:Trader {tin: 'T2', name: 'Borealis'}),
             (:Person {tin: 'T2', name: 'Not a trader'})
      """
    When executing query:
      """
      MATCH (t:Trader {tin: 'T2'})
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name     |
      | 'Borealis' |
    And no side effects

  Scenario: Listing indexes with their entry counts
    Given an empty graph
    And having executed:
      """
      CREATE INDEX person_passport FOR (p:Person) ON (p.passport)
      """
    And having executed:
      """
      CREATE (:Person {passport: 'P1'}), (:Person {passport: 'P2'}), (:Person {name: 'no passport'})
      """
    When executing query:
      """
      SHOW INDEXES
      """
    Then the result should be, in any order:
      | name              | label    | property   | unique | entries |
      | 'person_passport' | 'Person' | 'passport' | false  | 2       |
    And no side effects

  Scenario: Listing a uniqueness constraint
    Given an empty graph
    And having executed:
      """
      CREATE CONSTRAINT trader_tin FOR (t:Trader) REQUIRE t.tin IS UNIQUE
      """
    When executing query:
      """
      SHOW CONSTRAINTS
      """
    Then the result should be, in any order:
      | name         | label    | property | unique | entries |
      | 'trader_tin' | 'Trader' | 'tin'    | true   | 0       |
    And no side effects

  Scenario: MERGE under a uniqueness constraint finds the existing trader
    Given an empty graph
    And having executed:
      """
      CREATE CONSTRAINT trader_tin FOR (t:Trader) REQUIRE t.tin IS UNIQUE
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', name: 'Acme'})
      """
    When executing query:
      """
      MERGE (t:Trader {tin: 'T1'})
      ON MATCH SET t.seen = true
      RETURN t.name, t.seen
      """
    Then the result should be, in any order:
      | t.name | t.seen |
      | 'Acme' | true   |
    And the side effects should be:
      | +properties | 1 |

  Scenario: The same TIN under another label is allowed by the constraint
    Given an empty graph
    And having executed:
      """
      CREATE CONSTRAINT trader_tin FOR (t:Trader) REQUIRE t.tin IS UNIQUE
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'T1'})
      """
    When executing query:
      """
      CREATE (:Importer {tin: 'T1'})
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes      | 1 |
      | +labels     | 1 |
      | +properties | 1 |

  Scenario: Creating an index that exists, IF NOT EXISTS, does nothing
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    When executing query:
      """
      CREATE INDEX trader_tin IF NOT EXISTS FOR (t:Trader) ON (t.tin)
      """
    Then the result should be empty
    And no side effects

  Scenario: Queries still answer after the index is dropped
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', name: 'Acme'})
      """
    And having executed:
      """
      DROP INDEX trader_tin
      """
    When executing query:
      """
      MATCH (t:Trader {tin: 'T1'})
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name |
      | 'Acme' |
    And no side effects

  Scenario: No index listed after dropping it
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    And having executed:
      """
      DROP INDEX trader_tin
      """
    When executing query:
      """
      SHOW INDEXES
      """
    Then the result should be empty
    And no side effects

  Scenario: An index follows property updates
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'OLD', name: 'Acme'})
      """
    And having executed:
      """
      MATCH (t:Trader {tin: 'OLD'})
      SET t.tin = 'NEW'
      """
    When executing query:
      """
      OPTIONAL MATCH (o:Trader {tin: 'OLD'})
      OPTIONAL MATCH (n:Trader {tin: 'NEW'})
      RETURN o.name, n.name
      """
    Then the result should be, in any order:
      | o.name | n.name |
      | null   | 'Acme' |
    And no side effects

  Scenario: An index forgets deleted nodes
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_tin FOR (t:Trader) ON (t.tin)
      """
    And having executed:
      """
      CREATE (:Trader {tin: 'T1'}), (:Trader {tin: 'T2'})
      """
    And having executed:
      """
      MATCH (t:Trader {tin: 'T1'})
      DELETE t
      """
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.tin IN ['T1', 'T2']
      RETURN t.tin
      """
    Then the result should be, in any order:
      | t.tin |
      | 'T2'  |
    And no side effects

  Scenario: A range predicate over an indexed property
    Given an empty graph
    And having executed:
      """
      CREATE INDEX trader_risk FOR (t:Trader) ON (t.risk)
      """
    And having executed:
      """
      UNWIND range(1, 10) AS i
      CREATE (:Trader {tin: 'T' + toString(i), risk: i * 10})
      """
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.risk > 70
      RETURN t.tin
      ORDER BY t.risk
      """
    Then the result should be, in order:
      | t.tin |
      | 'T8'  |
      | 'T9'  |
      | 'T10' |
    And no side effects

  Scenario: Indexed lookups for a list of passports
    Given an empty graph
    And having executed:
      """
      CREATE INDEX person_passport FOR (p:Person) ON (p.passport)
      """
    And having executed:
      """
      CREATE (:Person {passport: 'P1', name: 'Anna'}), (:Person {passport: 'P2', name: 'Boris'})
      """
    When executing query:
      """
      UNWIND ['P2', 'P3', 'P1'] AS pp
      MATCH (p:Person {passport: pp})
      RETURN pp, p.name
      """
    Then the result should be, in any order:
      | pp   | p.name  |
      | 'P2' | 'Boris' |
      | 'P1' | 'Anna'  |
    And no side effects

  Scenario: Dropping a constraint that does not exist, IF EXISTS
    Given an empty graph
    When executing query:
      """
      DROP CONSTRAINT trader_tin IF EXISTS
      """
    Then the result should be empty
    And no side effects
