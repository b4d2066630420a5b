# SPDX-License-Identifier: GPL-2.0-or-later
# A uniqueness constraint's violation, and regular expressions: two cases
# first found failing (see known_failures.feature.txt), fixed since.
Feature: Constraint violations and regular expressions

  Scenario: A CREATE violating a uniqueness constraint fails at run time
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
      CREATE (:Trader {tin: 'T1', name: 'Duplicate'})
      """
    Then a ConstraintValidationFailed should be raised at runtime: ConstraintValidationFailed

  Scenario: Names matching a regular expression
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', name: 'acme'}), (:Trader {tin: 'T2', name: 'Borealis'}),
             (:Trader {tin: 'T3', name: 'cobalt'})
      """
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.name =~ '[a-c].*'
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name   |
      | 'acme'   |
      | 'cobalt' |
    And no side effects

  Scenario: Java-style regular expressions: case-insensitive flag, digit class, look-ahead
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'GB123456789', name: 'ACME Freight Ltd'}),
             (:Trader {tin: 'GB12345678X', name: 'Acme Logistics'}),
             (:Trader {tin: 'DE987654321', name: 'Nordfracht GmbH'})
      """
    When executing query:
      """
      MATCH (t:Trader)
      WHERE t.name =~ '(?i)acme.*' AND t.tin =~ 'GB\\d{9}' AND t.name =~ '(?!.*GmbH).*'
      RETURN t.name
      """
    Then the result should be, in any order:
      | t.name             |
      | 'ACME Freight Ltd' |
    And no side effects

  Scenario: An invalid regular expression is an error, not a silent mismatch
    Given an empty graph
    When executing query:
      """
      RETURN 'a' =~ '(' AS m
      """
    Then a ArgumentError should be raised at runtime: InvalidArgumentValue
