# SPDX-License-Identifier: GPL-2.0-or-later
# Syntax and semantic errors, and run-time errors, with their openCypher TCK codes.
Feature: Errors

  Scenario: A variable that was never bound
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN s
      """
    Then a SyntaxError should be raised at compile time: UndefinedVariable

  Scenario: A variable dropped by WITH
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      WITH t.tin AS tin
      RETURN t
      """
    Then a SyntaxError should be raised at compile time: UndefinedVariable

  Scenario: A missing closing parenthesis
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader
      RETURN t
      """
    Then a SyntaxError should be raised at compile time: UnexpectedSyntax

  Scenario: A misspelled clause
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETRUN t
      """
    Then a SyntaxError should be raised at compile time: UnexpectedSyntax

  Scenario: Re-creating a bound relationship
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)-[r:DIRECTOR_OF]->(x)
      CREATE (t)-[r:DIRECTOR_OF]->(x)
      """
    Then a SyntaxError should be raised at compile time: VariableAlreadyBound

  Scenario: One name for a node and a relationship
    Given an empty graph
    When executing query:
      """
      MATCH (t)-[t:DIRECTOR_OF]->()
      RETURN t
      """
    Then a SyntaxError should be raised at compile time: VariableTypeConflict

  Scenario: One relationship twice in a pattern
    Given an empty graph
    When executing query:
      """
      MATCH (a)-[r:INVOLVED_IN]->(b)-[r:INVOLVED_IN]->(c)
      RETURN r
      """
    Then a SyntaxError should be raised at compile time: RelationshipUniquenessViolation

  Scenario: A count of counts
    Given an empty graph
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN count(count(*))
      """
    Then a SyntaxError should be raised at compile time: NestedAggregation

  Scenario: An expression in WITH without an alias
    Given an empty graph
    When executing query:
      """
      MATCH (s:Seizure)
      WITH s.quantity
      RETURN 1
      """
    Then a SyntaxError should be raised at compile time: NoExpressionAlias

  Scenario: Two columns with one name
    Given an empty graph
    When executing query:
      """
      MATCH (s:Seizure)
      RETURN s.id AS a, s.commodity AS a
      """
    Then a SyntaxError should be raised at compile time: ColumnNameConflict

  Scenario: UNION of different columns
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.tin AS tin
      UNION
      MATCH (p:Person)
      RETURN p.passport AS passport
      """
    Then a SyntaxError should be raised at compile time: DifferentColumnsInUnion

  Scenario: An unknown function
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN riskScore(t)
      """
    Then a SyntaxError should be raised at compile time: UnknownFunction

  Scenario: A function with too many arguments
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN toUpper(t.name, 'x')
      """
    Then a SyntaxError should be raised at compile time: InvalidNumberOfArguments

  Scenario: An undirected relationship in CREATE
    Given an empty graph
    When executing query:
      """
      CREATE (:Person)-[:INVOLVED_IN]-(:Seizure)
      """
    Then a SyntaxError should be raised at compile time: RequiresDirectedRelationship

  Scenario: Two relationship types in CREATE
    Given an empty graph
    When executing query:
      """
      CREATE (:Person)-[:INVOLVED_IN|DIRECTOR_OF]->(:Seizure)
      """
    Then a SyntaxError should be raised at compile time: NoSingleRelationshipType

  Scenario: A variable-length relationship in CREATE
    Given an empty graph
    When executing query:
      """
      CREATE (:Person)-[:KNOWS*2]->(:Person)
      """
    Then a SyntaxError should be raised at compile time: CreatingVarLength

  Scenario: Deleting a label
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      DELETE t:Trader
      """
    Then a SyntaxError should be raised at compile time: InvalidDelete

  Scenario: A negative LIMIT
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t
      LIMIT -1
      """
    Then a SyntaxError should be raised at compile time: NegativeIntegerArgument

  Scenario: A LIMIT that depends on the row
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t
      LIMIT t.risk
      """
    Then a SyntaxError should be raised at compile time: NonConstantExpression

  Scenario: An integer literal too large
    Given an empty graph
    When executing query:
      """
      RETURN 9223372036854775808 AS quantity
      """
    Then a SyntaxError should be raised at compile time: IntegerOverflow

  Scenario: A parameter as the properties of a matched node
    Given an empty graph
    When executing query:
      """
      MATCH (t:Trader $props)
      RETURN t
      """
    Then a SyntaxError should be raised at compile time: InvalidParameterUse

  Scenario: RETURN * with nothing in scope
    Given an empty graph
    When executing query:
      """
      RETURN *
      """
    Then a SyntaxError should be raised at compile time: NoVariablesInScope

  Scenario: Deleting a trader that still has a director
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1'})-[:DIRECTOR_OF]->(:Trader {tin: 'T1'})
      """
    When executing query:
      """
      MATCH (t:Trader)
      DELETE t
      """
    Then a ConstraintVerificationFailed should be raised at runtime: DeleteConnectedNode

  Scenario: A failed statement leaves the graph unchanged
    Given an empty graph
    And having executed:
      """
      CREATE (:Person {passport: 'P1'})-[:DIRECTOR_OF]->(:Trader {tin: 'T1'})
      """
    When executing query:
      """
      MATCH (t:Trader)
      SET t.checked = true
      DELETE t
      """
    Then a ConstraintVerificationFailed should be raised at runtime: DeleteConnectedNode
    When executing control query:
      """
      MATCH (t:Trader)
      RETURN t
      """
    Then the result should be, in any order:
      | t                      |
      | (:Trader {tin: 'T1'})  |

  Scenario: Integer division by zero in a ratio
    Given an empty graph
    And having executed:
      """
      CREATE (:Trader {tin: 'T1', declarations: 0, seizures: 2})
      """
    When executing query:
      """
      MATCH (t:Trader)
      RETURN t.seizures / t.declarations AS ratio
      """
    Then a ArithmeticError should be raised at runtime: DivisionByZero
