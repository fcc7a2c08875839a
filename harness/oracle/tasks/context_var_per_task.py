"""context_var_per_task: a ContextVar has a value per task. create_task copies the
creator's context, so a task sees what was set before it was created, and what it sets
stays its own; reset puts the old value back, and refuses a token from another context.
A task given context= runs in that very context."""

import asyncio
import contextvars

from rosetta import exc, log

request = contextvars.ContextVar("request")
user = contextvars.ContextVar("user", default="anonymous")


async def handler(n):
    log(f"handler-{n}", f"sees request {request.get()}, user {user.get()}")
    request.set(n * 10)
    await asyncio.sleep(n)
    log(f"handler-{n}", f"still sees its own request {request.get()}")


async def login():
    user.set("ada")
    log("login", f"set user {user.get()}")


async def main():
    try:
        request.get()
    except LookupError as e:
        log("main", f"before any set: {exc(e)}")
    token = request.set(1)
    first = asyncio.create_task(handler(1))
    request.set(2)
    second = asyncio.create_task(handler(2))
    await first
    await second
    log("main", f"main's request is still {request.get()}")
    request.reset(token)
    log("main", f"after reset: {request.get(None)}")

    shared = contextvars.Context()
    await asyncio.create_task(login(), context=shared)
    log("main", f"the shared context holds user {shared.get(user)}; main's user is {user.get()}")

    token = user.set("grace")

    async def foreign_reset():
        try:
            user.reset(token)
        except ValueError as e:
            log("child", f"reset of main's token: {exc(e)}")

    await asyncio.create_task(foreign_reset())
    log("main", f"main's user is still {user.get()}")


asyncio.run(main())
